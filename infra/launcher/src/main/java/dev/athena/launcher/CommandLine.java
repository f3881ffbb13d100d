package dev.athena.launcher;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code command [positional...] [--option value | --flag]...}, checked against the options a command knows. */
record CommandLine(String command, List<String> positional, Map<String, String> options) {

    static CommandLine parse(String[] args, Map<String, Set<String>> valueOptionsByCommand,
            Map<String, Set<String>> flagsByCommand) {
        if (args.length == 0) {
            throw new UsageException("missing command");
        }
        String command = args[0];
        Set<String> valueOptions = valueOptionsByCommand.get(command);
        Set<String> flags = flagsByCommand.getOrDefault(command, Set.of());
        if (valueOptions == null) {
            throw new UsageException("unknown command '" + command + "'");
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String inlineValue = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inlineValue = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                options.put(name, "true");
            } else if (valueOptions.contains(name)) {
                if (inlineValue == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    inlineValue = args[++i];
                }
                options.put(name, inlineValue);
            } else {
                throw new UsageException("unknown option --" + name + " for '" + command + "'");
            }
        }
        return new CommandLine(command, List.copyOf(positional), Map.copyOf(options));
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    /** A count from 1 to {@code max}, {@code fallback} when the option is absent. */
    int countOption(String name, int fallback, int max) {
        String text = options.get(name);
        if (text == null) {
            return fallback;
        }
        int count;
        try {
            count = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            count = 0;
        }
        if (count < 1 || count > max) {
            throw new UsageException("--" + name + " must be a number from 1 to " + max + " but was " + text);
        }
        return count;
    }

    /** A whole number of seconds, at least one. */
    long secondsOption(String name, long fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            long seconds = Long.parseLong(value);
            if (seconds >= 1) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // told below, as for a number below one
        }
        throw new UsageException("--" + name + " must be a whole number of seconds, 1 or more, but was '" + value
                + "'");
    }

    int intOption(String name, int fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new UsageException("--" + name + " must be a port 0-65535 but was " + value);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number but was '" + value + "'");
        }
    }

    /** A mistake in how the command was called: printed with the usage, exit status {@link Athena#USAGE_ERROR}. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}

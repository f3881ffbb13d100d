package dev.athena.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * {@code keys create|list|revoke|rotate}, {@code cache invalidate}, {@code usage}, {@code providers} and
 * {@code audit}: the gateway's admin API from the command line.
 */
final class AdminCommands {
    private static final String DEFAULT_URL = "http://127.0.0.1:8080";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final PrintStream out;
    private final Map<String, String> env;

    AdminCommands(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    int keys(CommandLine cli) throws IOException, InterruptedException {
        List<String> args = cli.positional();
        String action = args.isEmpty() ? "" : args.getFirst();
        return switch (action) {
            case "create" -> createKey(cli, args);
            case "list" -> listKeys(cli, args);
            case "revoke" -> revokeKey(cli, args);
            case "rotate" -> rotateKey(cli, args);
            default -> throw new CommandLine.UsageException("keys supports: create, list, revoke KEY_ID, "
                    + "rotate KEY_ID");
        };
    }

    private int createKey(CommandLine cli, List<String> args) throws IOException, InterruptedException {
        noMoreArguments(args, 1, "keys create");
        String clientId = cli.option("client").orElseThrow(() ->
                new CommandLine.UsageException("keys create needs --client ID"));
        String[] scopes = cli.option("scopes").orElse("submit,read").split(",");
        var created = api(cli).createKey(clientId, scopes, cli.option("expires-in").orElse(null));
        out.println(created.get("key").asString());
        JsonNode expires = created.get("expiresAt");
        System.err.println("athena: key " + created.get("keyId").asString() + " for client " + clientId
                + (expires == null || expires.isNull() ? "" : ", expires " + expires.asString())
                + " (shown once: store it now)");
        return 0;
    }

    private int listKeys(CommandLine cli, List<String> args) throws IOException, InterruptedException {
        noMoreArguments(args, 1, "keys list");
        return show(cli, api(cli).listKeys(cli.option("client").orElse(null)), KeyTable::print, out);
    }

    private int revokeKey(CommandLine cli, List<String> args) throws IOException, InterruptedException {
        String keyId = keyId(args, "keys revoke");
        api(cli).revokeKey(keyId);
        out.println("athena: key " + keyId + " revoked");
        return 0;
    }

    private int rotateKey(CommandLine cli, List<String> args) throws IOException, InterruptedException {
        String keyId = keyId(args, "keys rotate");
        var rotated = api(cli).rotateKey(keyId, cli.option("grace").orElse(null),
                cli.option("expires-in").orElse(null));
        out.println(rotated.get("key").asString());
        System.err.println("athena: key " + rotated.get("keyId").asString() + " replaces " + keyId + ", which works "
                + "until " + rotated.get("replaces").get("expiresAt").asString() + " (the new key is shown once: "
                + "store it now)");
        return 0;
    }

    /** The one KEY_ID after the action; the gateway's ids are {@code key_} and letters and digits. */
    private static String keyId(List<String> args, String command) {
        if (args.size() != 2) {
            throw new CommandLine.UsageException(command + " needs one KEY_ID (see keys list)");
        }
        String keyId = args.get(1);
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new CommandLine.UsageException("'" + keyId + "' is not a key id (see keys list)");
        }
        return keyId;
    }

    private static void noMoreArguments(List<String> args, int expected, String command) {
        if (args.size() != expected) {
            throw new CommandLine.UsageException(command + " takes no arguments besides its options");
        }
    }

    int providers(CommandLine cli) throws IOException, InterruptedException {
        noMoreArguments(cli.positional(), 0, "providers");
        return show(cli, api(cli).providers(), ProvidersTable::print, out);
    }

    int audit(CommandLine cli) throws IOException, InterruptedException {
        noMoreArguments(cli.positional(), 0, "audit");
        return show(cli, api(cli).audit(cli.countOption("limit", 100, 1_000)), AuditTable::print, out);
    }

    /** The gateway's answer as JSON with {@code --json}, else as the table of {@code table}. */
    /** The answer as JSON ({@code --json}) or as {@code table} prints it. */
    static int show(CommandLine cli, JsonNode answer, BiConsumer<JsonNode, PrintStream> table, PrintStream out) {
        if (cli.flag("json")) {
            out.println(answer.toString());
        } else {
            table.accept(answer, out);
        }
        return 0;
    }

    private AdminApi api(CommandLine cli) {
        return new AdminApi(cli.option("url").orElse(DEFAULT_URL), env.get("ATHENA_ADMIN_KEY"));
    }

    int cache(CommandLine cli) throws IOException, InterruptedException {
        if (!cli.positional().equals(List.of("invalidate"))) {
            throw new CommandLine.UsageException("cache supports: cache invalidate (--key|--pattern|--tag|--all)");
        }
        var chosen = Stream.of("key", "pattern", "tag", "all").filter(cli.options()::containsKey)
                .toList();
        if (chosen.size() != 1) {
            throw new CommandLine.UsageException("cache invalidate needs exactly one of --key, --pattern, --tag, --all");
        }
        String kind = chosen.getFirst();
        var answer = api(cli).invalidate(kind, kind.equals("all") ? null : cli.option(kind).orElseThrow());
        out.println("athena: invalidation " + answer.get("id").asString() + " (" + kind + ") sent to "
                + answer.get("receivers").asLong() + " splitter instance(s)");
        return 0;
    }

    int usage(CommandLine cli) throws IOException, InterruptedException {
        if (!cli.positional().isEmpty()) {
            throw new CommandLine.UsageException("usage takes no arguments, only --client, --from, --to, --json");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("clientId", cli.option("client").orElse(null));
        query.put("from", cli.option("from").orElse(null));
        query.put("to", cli.option("to").orElse(null));
        return show(cli, api(cli).usage(query), UsageTable::print, out);
    }
}

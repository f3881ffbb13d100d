package dev.athena.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** {@code keys create}, {@code cache invalidate} and {@code usage}: the gateway's admin API from the command line. */
final class AdminCommands {
    private static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private final PrintStream out;
    private final Map<String, String> env;

    AdminCommands(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    int keys(CommandLine cli) throws IOException, InterruptedException {
        if (!cli.positional().equals(List.of("create"))) {
            throw new CommandLine.UsageException("keys supports: keys create --client ID --scopes LIST");
        }
        String clientId = cli.option("client").orElseThrow(() ->
                new CommandLine.UsageException("keys create needs --client ID"));
        String[] scopes = cli.option("scopes").orElse("submit,read").split(",");
        var created = new AdminApi(cli.option("url").orElse(DEFAULT_URL), env.get("ATHENA_ADMIN_KEY"))
                .createKey(clientId, scopes);
        out.println(created.get("key").asString());
        System.err.println("athena: key " + created.get("keyId").asString() + " for client " + clientId
                + " (shown once: store it now)");
        return 0;
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
        var answer = new AdminApi(cli.option("url").orElse(DEFAULT_URL), env.get("ATHENA_ADMIN_KEY"))
                .invalidate(kind, kind.equals("all") ? null : cli.option(kind).orElseThrow());
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
        var report = new AdminApi(cli.option("url").orElse(DEFAULT_URL), env.get("ATHENA_ADMIN_KEY")).usage(query);
        if (cli.flag("json")) {
            out.println(report.toString());
        } else {
            UsageTable.print(report, out);
        }
        return 0;
    }
}

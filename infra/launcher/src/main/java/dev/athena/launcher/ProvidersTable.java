package dev.athena.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Provider health as the gateway aggregates it from the live worker instances: a line per provider, in failover
 * order. "-" where a provider has no such part (builtin has no breaker, bulkhead or limiter).
 */
final class ProvidersTable {
    private static final List<String> HEADER = List.of("PROVIDER", "MODELS", "BREAKER", "PAUSED UNTIL",
            "PRIORITY", "INSTANCES", "BULKHEAD FREE", "QUEUED", "REQUESTS LEFT", "TOKENS LEFT");
    private static final int FIRST_NUMBER = 4;

    private ProvidersTable() {
    }

    static void print(JsonNode report, PrintStream out) {
        out.println("athena: provider health at " + report.get("generatedAt").asString() + " (snapshots of the last "
                + report.get("maxAgeSeconds").asLong() + " s; " + report.get("staleSnapshots").asLong()
                + " stale, " + report.get("unreadableSnapshots").asLong() + " unreadable)");
        JsonNode providers = report.get("providers");
        if (providers.isEmpty()) {
            out.println("no worker instance has reported (are the provider workers running?)");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (JsonNode provider : providers) {
            List<String> models = new ArrayList<>();
            provider.get("models").forEach(model -> models.add(model.asString()));
            JsonNode limiter = provider.get("limiter");
            boolean limited = limiter != null && !limiter.isNull();
            rows.add(List.of(provider.get("provider").asString(), String.join(",", models),
                    text(provider.get("breakerState")),
                    limited ? text(limiter.get("pausedUntil")) : "-",
                    text(provider.get("priority")), text(provider.get("instanceCount")),
                    fraction(provider.get("bulkheadAvailable"), provider.get("bulkheadMaxConcurrent")),
                    text(provider.get("bulkheadQueued")),
                    limited ? fraction(limiter.get("requestsRemaining"), limiter.get("requestsPerMinute")) : "-",
                    limited ? fraction(limiter.get("tokensRemaining"), limiter.get("tokensPerMinute")) : "-"));
        }
        TextTable.print(rows, FIRST_NUMBER, out);
    }

    private static String fraction(JsonNode part, JsonNode whole) {
        return part == null || part.isNull() ? "-" : part.asString() + "/" + whole.asString();
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() ? "-" : value.asString();
    }
}

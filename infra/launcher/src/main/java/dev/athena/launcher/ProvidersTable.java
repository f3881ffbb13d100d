package dev.athena.launcher;

import static dev.athena.launcher.TextTable.cell;

import java.io.PrintStream;
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
        TextTable.print(HEADER, report.get("providers"), ProvidersTable::row, FIRST_NUMBER,
                "no worker instance has reported (are the provider workers running?)", out);
    }

    private static List<String> row(JsonNode provider) {
        JsonNode limiter = provider.get("limiter");
        boolean limited = limiter != null && !limiter.isNull();
        return List.of(provider.get("provider").asString(),
                String.join(",", provider.get("models").valueStream().map(JsonNode::asString).toList()),
                cell(provider.get("breakerState")), limited ? cell(limiter.get("pausedUntil")) : "-",
                cell(provider.get("priority")), cell(provider.get("instanceCount")),
                fraction(provider.get("bulkheadAvailable"), provider.get("bulkheadMaxConcurrent")),
                cell(provider.get("bulkheadQueued")),
                limited ? fraction(limiter.get("requestsRemaining"), limiter.get("requestsPerMinute")) : "-",
                limited ? fraction(limiter.get("tokensRemaining"), limiter.get("tokensPerMinute")) : "-");
    }

    private static String fraction(JsonNode part, JsonNode whole) {
        return part == null || part.isNull() ? "-" : part.asString() + "/" + whole.asString();
    }
}

package dev.athena.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The gateway's usage report as a table: a line per day, client, provider and model, then the totals. */
final class UsageTable {
    private static final List<String> HEADER = List.of("DAY", "CLIENT", "PROVIDER", "MODEL", "REQUESTS", "CALLS",
            "CACHED", "SHARED", "INPUT", "OUTPUT", "COST USD");
    private static final int FIRST_NUMBER = 4;
    private static final List<String> COUNTS = List.of("requests", "providerCalls", "cached", "shared",
            "inputTokens", "outputTokens", "costUsd");

    private UsageTable() {
    }

    static void print(JsonNode report, PrintStream out) {
        JsonNode client = report.get("clientId");
        out.println("athena: usage of " + (client == null || client.isNull() ? "every client" : client.asString())
                + ", " + report.get("from").asString() + " to " + report.get("to").asString() + " (UTC days)");
        JsonNode days = report.get("days");
        if (days.isEmpty()) {
            out.println("no answered requests in this period");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode day : days) {
            List<String> row = new ArrayList<>(List.of(day.get("day").asString(), day.get("clientId").asString(),
                    day.get("provider").asString(), day.get("model").asString()));
            COUNTS.forEach(name -> row.add(day.get(name).asString()));
            rows.add(row);
        }
        List<String> total = new ArrayList<>(List.of("TOTAL", "", "", ""));
        COUNTS.forEach(name -> total.add(report.get("totals").get(name).asString()));
        rows.add(total);
        TextTable.print(HEADER, rows, FIRST_NUMBER, out);
        if (report.get("truncated").asBoolean()) {
            out.println("(cut at " + days.size() + " lines: the totals cover these only; ask for fewer days or one "
                    + "--client)");
        }
    }
}

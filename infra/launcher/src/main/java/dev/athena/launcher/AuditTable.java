package dev.athena.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The gateway's audit log, newest first: authentication failures and admin actions, never a key. */
final class AuditTable {
    private static final List<String> HEADER = List.of("TIME", "EVENT", "ACTOR", "FROM", "DETAIL");

    private AuditTable() {
    }

    static void print(JsonNode log, PrintStream out) {
        JsonNode entries = log.get("entries");
        if (entries.isEmpty()) {
            out.println("no audit entries");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (JsonNode entry : entries) {
            rows.add(List.of(text(entry.get("occurredAt")), text(entry.get("event")), text(entry.get("actor")),
                    text(entry.get("clientIp")), text(entry.get("detail"))));
        }
        TextTable.print(rows, HEADER.size(), out);
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() ? "-" : value.asString();
    }
}

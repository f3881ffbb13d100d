package dev.athena.launcher;

import static dev.athena.launcher.TextTable.cell;

import java.io.PrintStream;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The gateway's audit log, newest first: authentication failures and admin actions, never a key. */
final class AuditTable {
    private static final List<String> HEADER = List.of("TIME", "EVENT", "ACTOR", "FROM", "DETAIL");

    private AuditTable() {
    }

    static void print(JsonNode log, PrintStream out) {
        TextTable.print(HEADER, log.get("entries"), entry -> List.of(cell(entry.get("occurredAt")),
                cell(entry.get("event")), cell(entry.get("actor")), cell(entry.get("clientIp")),
                cell(entry.get("detail"))), HEADER.size(), "no audit entries", out);
    }
}

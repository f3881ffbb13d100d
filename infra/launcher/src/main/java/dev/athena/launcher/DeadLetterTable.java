package dev.athena.launcher;

import static dev.athena.launcher.TextTable.cell;

import java.io.PrintStream;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The latest dead letters, oldest first: why each was turned away and whose it was. */
final class DeadLetterTable {
    private static final List<String> HEADER = List.of("TIME", "CODE", "SOURCE", "CLIENT", "REQUEST", "MESSAGE");

    private DeadLetterTable() {
    }

    static void print(JsonNode entries, PrintStream out) {
        TextTable.print(HEADER, entries, entry -> List.of(cell(entry.get("time")), cell(entry.get("code")),
                cell(entry.get("source")), cell(entry.get("clientId")), cell(entry.get("requestId")),
                cell(entry.get("message"))), HEADER.size(), "no dead letters", out);
    }
}

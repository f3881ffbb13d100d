package dev.athena.launcher;

import static dev.athena.launcher.TextTable.cell;

import java.io.PrintStream;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The gateway's keys as a table (never the keys themselves: the gateway does not have them). */
final class KeyTable {
    private static final List<String> HEADER = List.of("KEY ID", "CLIENT", "SCOPES", "HINT", "STATE", "CREATED",
            "EXPIRES", "LAST USED");

    private KeyTable() {
    }

    static void print(JsonNode listing, PrintStream out) {
        TextTable.print(HEADER, listing.get("keys"), key -> List.of(cell(key.get("keyId")), cell(key.get("clientId")),
                String.join(",", key.get("scopes").valueStream().map(JsonNode::asString).toList()),
                cell(key.get("hint")), cell(key.get("state")), instant(key.get("createdAt")),
                instant(key.get("expiresAt")), instant(key.get("lastUsedAt"))), HEADER.size(), "no keys", out);
    }

    /** To the second: the gateway's instants carry fractions no one reads in a table. */
    private static String instant(JsonNode value) {
        String text = cell(value);
        int fraction = text.indexOf('.');
        return fraction < 0 ? text : text.substring(0, fraction) + "Z";
    }
}

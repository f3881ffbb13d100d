package dev.athena.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The gateway's keys as a table (never the keys themselves: the gateway does not have them). */
final class KeyTable {
    private static final List<String> HEADER = List.of("KEY ID", "CLIENT", "SCOPES", "HINT", "STATE", "CREATED",
            "EXPIRES", "LAST USED");

    private KeyTable() {
    }

    static void print(JsonNode listing, PrintStream out) {
        JsonNode keys = listing.get("keys");
        if (keys.isEmpty()) {
            out.println("no keys");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (JsonNode key : keys) {
            List<String> scopes = new ArrayList<>();
            key.get("scopes").forEach(scope -> scopes.add(scope.asString()));
            rows.add(List.of(key.get("keyId").asString(), key.get("clientId").asString(), String.join(",", scopes),
                    key.get("hint").asString(), key.get("state").asString(), instant(key, "createdAt"),
                    instant(key, "expiresAt"), instant(key, "lastUsedAt")));
        }
        TextTable.print(rows, HEADER.size(), out);
    }

    /** To the second: the gateway's instants carry fractions no one reads in a table. */
    private static String instant(JsonNode key, String field) {
        JsonNode value = key.get(field);
        if (value == null || value.isNull()) {
            return "-";
        }
        String text = value.asString();
        int fraction = text.indexOf('.');
        return fraction < 0 ? text : text.substring(0, fraction) + "Z";
    }
}

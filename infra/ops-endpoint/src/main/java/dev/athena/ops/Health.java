package dev.athena.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code GET /health} answers: up (200) or down (503), and a few named facts that say why, such as the state
 * of a Kafka Streams application or the reason a loop stopped.
 */
public record Health(boolean up, Map<String, String> details) {
    public Health {
        details = Map.copyOf(details);
    }

    public static Health up(Map<String, String> details) {
        return new Health(true, details);
    }

    public static Health down(Map<String, String> details) {
        return new Health(false, details);
    }

    /** {@code {"status":"UP"|"DOWN", ...details}}, details in name order. */
    String json() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("status", up ? "UP" : "DOWN");
        details.keySet().stream().sorted().forEach(name -> fields.put(name, details.get(name)));
        StringBuilder json = new StringBuilder("{");
        fields.forEach((name, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            quoted(json, name).append(':');
            quoted(json, value);
        });
        return json.append("}\n").toString();
    }

    private static StringBuilder quoted(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"');
    }
}

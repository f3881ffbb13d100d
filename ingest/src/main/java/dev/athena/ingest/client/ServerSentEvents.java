package dev.athena.ingest.client;

/** Assembles Server-Sent Events from lines (the text/event-stream format): one event per blank line. */
final class ServerSentEvents {
    record Event(String id, String name, String data) {
    }

    private String id;
    private String name;
    private final StringBuilder data = new StringBuilder();

    /** @return the event a blank line completes, or null */
    Event accept(String line) {
        if (line.isEmpty()) {
            Event event = data.isEmpty() && name == null ? null
                    : new Event(id, name == null ? "message" : name, data.toString());
            id = null;
            name = null;
            data.setLength(0);
            return event;
        }
        if (line.startsWith(":")) {
            return null;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "id" -> id = value;
            case "event" -> name = value;
            case "data" -> {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(value);
            }
            default -> {
                // retry and unknown fields carry nothing we use
            }
        }
        return null;
    }
}

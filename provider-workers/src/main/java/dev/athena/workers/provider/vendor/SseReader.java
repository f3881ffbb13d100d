package dev.athena.workers.provider.vendor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Server-Sent Events from a response body: {@code event:} and {@code data:} lines up to a blank line. */
public final class SseReader implements AutoCloseable {
    /** One event; {@code event} is null when the server named none (OpenAI). */
    public record Event(String event, String data) {
    }

    private final BufferedReader reader;

    public SseReader(InputStream in) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** The next event, or null at the end of the stream. */
    public Event next() throws IOException {
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(event, data.toString());
                }
                event = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue; // a comment, used as keep-alive
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (field.equals("event")) {
                event = value;
            } else if (field.equals("data")) {
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return data == null ? null : new Event(event, data.toString());
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}

package dev.athena.ingest.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {
    private static List<ServerSentEvents.Event> parse(String stream) {
        ServerSentEvents events = new ServerSentEvents();
        List<ServerSentEvents.Event> out = new ArrayList<>();
        for (String line : stream.split("\n", -1)) {
            var event = events.accept(line);
            if (event != null) {
                out.add(event);
            }
        }
        return out;
    }

    @Test
    void shouldAssembleEventsWithIdNameAndMultiLineData() {
        var events = parse("id: 0\nevent: chunk\ndata: {\"a\":1}\n\n: keep-alive\n\nid: result\nevent: result\n"
                + "data: line one\ndata: line two\n\n");
        assertThat(events).containsExactly(new ServerSentEvents.Event("0", "chunk", "{\"a\":1}"),
                new ServerSentEvents.Event("result", "result", "line one\nline two"));
    }

    @Test
    void shouldNameAnUnnamedEventMessageAndIgnoreUnknownFields() {
        var events = parse("retry: 1000\nfoo: bar\ndata:x\n\n");
        assertThat(events).containsExactly(new ServerSentEvents.Event(null, "message", "x"));
    }
}

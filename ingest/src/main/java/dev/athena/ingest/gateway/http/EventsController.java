package dev.athena.ingest.gateway.http;

import dev.athena.ingest.gateway.analysis.Lookup;
import dev.athena.ingest.gateway.auth.Principal;
import dev.athena.ingest.gateway.auth.Scope;
import dev.athena.ingest.gateway.stream.EventSink;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisChunk;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Server-Sent Events for one analysis: {@code chunk} events (id = sequence), then one {@code result} event
 * (id = {@code result}), then the stream ends. {@code Last-Event-ID} resumes after the last chunk received; after
 * the result it answers 204, which tells an EventSource to stop. The response is written on the request's own
 * (virtual) thread, so a stream costs no platform thread.
 */
@RestController
public class EventsController {
    static final String RESULT_ID = "result";
    private static final Duration MAX_STREAM = Duration.ofMinutes(10);

    private final GatewayCore core;

    public EventsController(GatewayCore core) {
        this.core = core;
    }

    @GetMapping("/v1/analyses/{id}/events")
    void events(@PathVariable("id") String id,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            HttpServletRequest request, HttpServletResponse response) throws IOException, InterruptedException {
        Principal principal = core.guard().require(request, response, Scope.READ);
        if (!AnalysisController.REQUEST_ID.matcher(id).matches()
                || core.lookup().find(principal.clientId(), id) instanceof Lookup.NotFound) {
            throw AnalysisController.notFound();
        }
        if (RESULT_ID.equals(lastEventId)) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        long after = afterSequence(lastEventId);
        try (OpenStreams.Slot slot = core.openStreams().open(principal.clientId())) {
            stream(principal, id, after, response);
        }
    }

    private void stream(Principal principal, String id, long after, HttpServletResponse response)
            throws IOException, InterruptedException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        OutputStream out = response.getOutputStream();
        write(out, "retry: 2000\n\n");
        core.pump().run(principal.clientId(), id, after, MAX_STREAM, new EventSink() {
            @Override
            public void chunk(AnalysisChunk chunk) throws IOException {
                write(out, "id: " + chunk.sequence() + "\nevent: chunk\ndata: " + Json.writeString(chunk) + "\n\n");
            }

            @Override
            public void result(String requestId, String resultJson) throws IOException {
                write(out, "id: " + RESULT_ID + "\nevent: result\ndata: " + oneLine(resultJson) + "\n\n");
            }

            @Override
            public void heartbeat() throws IOException {
                write(out, ": keep-alive\n\n");
            }
        });
    }

    private static long afterSequence(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(lastEventId.strip());
        } catch (NumberFormatException e) {
            throw new ApiProblem(422, "Unprocessable Content", "header 'Last-Event-ID' must be a chunk sequence "
                    + "or 'result'", "Last-Event-ID", Map.of());
        }
    }

    /** JSON from PostgreSQL may be pretty-printed; an SSE data line must not contain a newline. */
    private static String oneLine(String json) {
        return json.indexOf('\n') < 0 ? json : Json.writeString(Json.tree(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}

package dev.athena.ingest.gateway.stream;

import dev.athena.schemas.message.AnalysisChunk;
import java.io.IOException;

/** Where a request's live events go: an SSE response or a WebSocket session. IOException means "gone". */
public interface EventSink {
    void chunk(AnalysisChunk chunk) throws IOException;

    /** The final AnalysisResult JSON; after it nothing more is sent for this request. */
    void result(String requestId, String resultJson) throws IOException;

    void heartbeat() throws IOException;
}

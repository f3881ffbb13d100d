package dev.athena.ingest.gateway.analysis;

import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisResult;

/**
 * Live events of one request. Called on the feed's single polling thread: implementations hand work off and
 * never block. A chunk may be delivered again after a snapshot read; receivers skip sequences already sent.
 */
public interface FeedListener {
    void onChunk(AnalysisChunk chunk);

    void onResult(AnalysisResult result);
}

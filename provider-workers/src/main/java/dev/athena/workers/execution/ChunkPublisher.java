package dev.athena.workers.execution;

import dev.athena.schemas.message.Requester;

/**
 * Where streamed text goes as it arrives: one {@code AnalysisChunk} per piece and per waiting requester. Chunks
 * are a preview for interactive clients, written outside the batch transaction (a transaction would hide them
 * until the end); the terminal result still comes once, through the batch result.
 */
public interface ChunkPublisher {
    ChunkPublisher NONE = (requester, sequence, delta, last) -> {
    };

    void publish(Requester requester, long sequence, String delta, boolean last);
}

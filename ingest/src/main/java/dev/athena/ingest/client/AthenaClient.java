package dev.athena.ingest.client;

import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Submits analyses and hands back their one result. Implementations: {@link KafkaAthenaClient} (speaks to the
 * request and result topics) and {@link HttpAthenaClient} (speaks to the gateway).
 *
 * <p>Contract: the future completes with the request's terminal result (any status, REJECTED included), or
 * exceptionally when the request could not be handed over or the transport failed. Futures complete on the
 * client's own threads; do not block inside callbacks.
 */
public interface AthenaClient extends AutoCloseable {

    CompletableFuture<AnalysisResult> submit(AnalysisRequest request);

    /**
     * Like {@link #submit(AnalysisRequest)}, and calls {@code onChunk} with the model's output as it streams,
     * in order, before the result completes. Where a transport cannot stream, no chunk is delivered.
     */
    CompletableFuture<AnalysisResult> submit(AnalysisRequest request, Consumer<AnalysisChunk> onChunk);

    /**
     * Asks to cancel a submission of this client that has no result yet, by the id it was submitted with. Its
     * future then completes with a {@code CANCELLED} result, unless a provider had already been asked (then with
     * the answer): one result either way.
     *
     * @return true once the cancellation is handed over; false when the submission had ended meanwhile;
     *     completes exceptionally with {@link IllegalArgumentException} when no submission of this client under
     *     that id is waiting, or with the transport's error
     */
    CompletableFuture<Boolean> cancel(String requestId);

    @Override
    void close();
}

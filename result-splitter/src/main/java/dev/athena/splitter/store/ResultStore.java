package dev.athena.splitter.store;

import dev.athena.schemas.message.AnalysisResult;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The queries the product needs over persisted results. Threading: safe from any thread. Errors: an unreachable
 * database raises {@link StoreUnavailableException}; callers decide whether to retry.
 */
public interface ResultStore {
    /** The result of a request, only when it belongs to {@code clientId}: another client's id finds nothing. */
    Optional<AnalysisResult> find(String clientId, String requestId);

    /** A client's usage per UTC day and provider/model, for days {@code from} to {@code to} inclusive. */
    List<DailyUsage> usagePerDay(String clientId, LocalDate from, LocalDate to);

    /** Every result that came out of one batch, ordered by requestId. */
    List<AnalysisResult> resultsOfBatch(String batchId);

    /**
     * A client's results delivered to one of its topics, ordered by requestId: a scan that named its own reply
     * topic ({@code athena.results.<clientId>.<scan>}) finds its results here.
     */
    List<AnalysisResult> resultsDeliveredTo(String clientId, String topic);
}

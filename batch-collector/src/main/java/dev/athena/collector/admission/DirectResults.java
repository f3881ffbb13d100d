package dev.athena.collector.admission;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.CachedAnalysis;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.Usage;
import dev.athena.schemas.validation.Rejection;
import java.time.Instant;
import java.util.List;

/**
 * Results the collector answers itself, without a provider. They go to {@code athena.batch-results} as one-item
 * batch results, so the result-splitter stays the one writer of client result topics. Batch ids are derived from
 * the request id, so a replay writes the same id and downstream can tell.
 */
public final class DirectResults {
    private DirectResults() {
    }

    public static String rejectionBatchId(String requestId) {
        return "reject-" + requestId;
    }

    public static String cachedBatchId(String requestId) {
        return "cache-" + requestId;
    }

    public static String expiredBatchId(String requestId) {
        return "expired-" + requestId;
    }

    /**
     * An item whose deadline passed while it waited for its client's rate: each of its requesters gets EXPIRED,
     * as a worker would answer it, without taking a turn of the client's rate or a place in a batch.
     */
    public static BatchResult expired(BatchItem item, String route, Instant now) {
        AnalysisRequest request = item.request();
        String message = "the deadline " + request.deadline() + " passed while the request waited for its client's "
                + "rate (checked at " + now + ")";
        ItemResult result = new ItemResult(item.cacheKey(), item.requesters(), request.analysisType(), request.path(),
                ResultStatus.EXPIRED, null, List.of(), message, Usage.NONE,
                new ErrorInfo(ErrorInfo.DEADLINE_EXCEEDED, message), false);
        return new BatchResult(SchemaVersion.CURRENT, expiredBatchId(item.requesters().get(0).requestId()), route,
                List.of(result), now);
    }

    /** Usage is none: a cached answer costs nothing now; what it cost once is on the original result. */
    static BatchResult cached(AnalysisRequest request, String route, String cacheKey, CachedAnalysis answer,
            String traceparent, Instant now) {
        ItemResult item = new ItemResult(cacheKey, List.of(Requester.of(request, traceparent)),
                request.analysisType(), request.path(), ResultStatus.COMPLETED, answer.servedBy(), answer.findings(),
                answer.summary(), Usage.NONE, null, true);
        return new BatchResult(SchemaVersion.CURRENT, cachedBatchId(request.requestId()), route, List.of(item), now);
    }

    /** {@code request} is null when the record could not be decoded. */
    static BatchResult rejected(Rejection rejection, AnalysisRequest request, String route, String traceparent,
            Instant now) {
        Requester requester = request != null ? Requester.of(request, traceparent)
                : new Requester(rejection.requestId(), rejection.clientId(), null, traceparent);
        ItemResult item = new ItemResult(null, List.of(requester),
                request == null ? null : request.analysisType(), request == null ? null : request.path(),
                ResultStatus.REJECTED, null, List.of(), rejection.message(), Usage.NONE, rejection.toError(), false);
        return new BatchResult(SchemaVersion.CURRENT, rejectionBatchId(requester.requestId()), route, List.of(item),
                now);
    }
}

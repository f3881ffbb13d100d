package dev.athena.schemas.message;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one batch item. It repeats the requesters and the few request fields the splitter needs, so
 * that a batch result is complete on its own. The collector writes such items too (rejections and cache hits),
 * so that the splitter is the one writer of client result topics. {@code cacheKey} is the key of the question
 * as asked; it is null only for rejections that never got that far.
 */
public record ItemResult(String cacheKey, List<Requester> requesters, AnalysisType analysisType, String path,
        ResultStatus status, ServedBy servedBy, List<Finding> findings, String summary, Usage usage,
        ErrorInfo error, boolean cached) {
    public ItemResult {
        Objects.requireNonNull(status, "status");
        if (status == ResultStatus.COMPLETED && (cacheKey == null || servedBy == null)) {
            throw new IllegalArgumentException("a COMPLETED item needs its cacheKey and servedBy");
        }
        requesters = List.copyOf(requesters);
        findings = findings == null ? List.of() : List.copyOf(findings);
        usage = usage == null ? Usage.NONE : usage;
        if (status != ResultStatus.COMPLETED && error == null) {
            throw new IllegalArgumentException("a " + status + " item needs an error");
        }
    }
}

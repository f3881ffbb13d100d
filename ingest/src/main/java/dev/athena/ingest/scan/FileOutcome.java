package dev.athena.ingest.scan;

import dev.athena.schemas.message.AnalysisResult;

/**
 * One file in the report: submitted by this scan ({@code fresh}) or carried over from an earlier one.
 * {@code result} is null while pending. {@code cacheKey} is the requested cache key (auto route) of its code.
 */
record FileOutcome(String path, String requestId, String cacheKey, boolean fresh, AnalysisResult result) {
    boolean pending() {
        return result == null;
    }
}

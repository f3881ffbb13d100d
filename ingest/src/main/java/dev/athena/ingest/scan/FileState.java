package dev.athena.ingest.scan;

import dev.athena.schemas.message.AnalysisResult;

/**
 * What the last scan of a repository knew about one file. {@code asked} is null where the stored analysis type is
 * one this version does not know; {@code result} is null while none has arrived.
 */
record FileState(String path, String sha256, Asked asked, String requestId, String scanId, AnalysisResult result) {
}

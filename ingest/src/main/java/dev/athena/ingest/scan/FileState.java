package dev.athena.ingest.scan;

import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;

/** What the last scan of a repository knew about one file. {@code result} is null while none has arrived. */
record FileState(String path, String sha256, AnalysisType type, String requestId, String scanId,
        AnalysisResult result) {
}

package dev.athena.schemas.validation;

import dev.athena.schemas.message.AnalysisRequest;

/** What the request decoder made of a record: a valid request, or the reason it was rejected. */
public sealed interface Decoded {
    record Accepted(AnalysisRequest request) implements Decoded {
    }

    record Rejected(Rejection rejection) implements Decoded {
    }
}

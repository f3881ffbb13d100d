package dev.athena.ingest.gateway.analysis;

import dev.athena.schemas.validation.Rejection;

/** What became of a submission over HTTP. */
public sealed interface SubmitOutcome {
    /** On {@code athena.requests}; {@code replay} when an Idempotency-Key returned an earlier id. */
    record Accepted(String requestId, boolean replay) implements SubmitOutcome {
    }

    /** The body does not make a valid request; the rejection names the field. */
    record Invalid(Rejection rejection) implements SubmitOutcome {
    }

    /** The Idempotency-Key was first used with a different body. */
    record IdempotencyMismatch(String requestId) implements SubmitOutcome {
    }
}

package dev.athena.workers.cancel;

import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.Requester;
import java.util.Set;

/** Which requesters of a batch their clients have cancelled, asked just before the batch's items are run. */
public interface Cancellations {
    /** No cancellations (no Redis). */
    Cancellations NONE = batch -> Set.of();

    /**
     * The batch's requesters whose requests were cancelled; empty when none was or when that cannot be known now
     * (a cancellation not seen leaves the request to its usual result, never a second one).
     */
    Set<Requester> cancelled(AnalysisBatch batch);
}

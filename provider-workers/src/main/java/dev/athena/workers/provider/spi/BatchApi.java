package dev.athena.workers.provider.spi;

import java.util.List;
import java.util.Map;

/**
 * A provider's asynchronous batch API: many requests submitted at once, answered within hours at a lower price.
 * {@link #submit} creates the provider's batch and returns its id; {@link #poll} asks how it stands and, once it
 * has ended, returns an outcome per custom id. Both are single blocking HTTP exchanges and throw the contract's
 * {@link ProviderException}s; retrying a poll later is always safe, retrying a submit creates another batch.
 * {@link #cancel} stops a batch nobody will read; requests the provider already answered may still be billed.
 */
public interface BatchApi {
    /** One request of a batch, named by an id unique within it. */
    record Call(String customId, ProviderCall call) {
    }

    /** How a provider batch stands. */
    sealed interface Status {
        record Pending(String providerStatus) implements Status {
        }

        /** Ended: one outcome per custom id the provider answered for (it may leave some out). */
        record Done(Map<String, Outcome> outcomes) implements Status {
        }

        /** The whole batch failed, expired or was cancelled: nothing in it was answered. */
        record Failed(String reason) implements Status {
        }
    }

    /** What one request of an ended batch came to. */
    sealed interface Outcome {
        record Answered(ProviderAnswer answer) implements Outcome {
        }

        /** A message that says why, without code or secrets. */
        record Errored(String message) implements Outcome {
        }
    }

    /** Creates the provider's batch; returns its id. */
    String submit(List<Call> calls) throws ProviderException;

    /** {@code calls} are the batch's requests by custom id, as submitted, to read their answers. */
    Status poll(String providerBatchId, Map<String, ProviderCall> calls) throws ProviderException;

    /** Asks the provider to cancel the batch; it ends as cancelled (or ended) later. */
    void cancel(String providerBatchId) throws ProviderException;
}

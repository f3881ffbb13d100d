package dev.athena.workers.provider.spi;

import dev.athena.schemas.message.AnalysisRequest;
import java.time.Instant;
import java.util.Objects;

/**
 * One question for one provider and model. {@code deadline} is when the answer stops being useful (the request's
 * own deadline, or the worker's cap); {@code deltas} receives streamed text as it arrives, in order, from the
 * calling thread, and is {@link DeltaSink#NONE} when nobody listens.
 */
public record ProviderCall(AnalysisRequest request, String model, Instant deadline, DeltaSink deltas) {
    public ProviderCall {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(deadline, "deadline");
        deltas = deltas == null ? DeltaSink.NONE : deltas;
    }

    /** Receives pieces of streamed model output. */
    @FunctionalInterface
    public interface DeltaSink {
        DeltaSink NONE = delta -> {
        };

        void accept(String delta);
    }
}

package dev.athena.workers.provider.spi;

import dev.athena.schemas.message.AnalysisRequest;
import java.time.Instant;
import java.util.Objects;

/**
 * One question for one provider and model. {@code deadline} is when the answer stops being useful (the request's
 * own deadline, or the worker's cap); {@code deltas} receives streamed text as it arrives, in order, from the
 * calling thread, and is {@link DeltaSink#NONE} when nobody listens. A packed call ({@code pack} not null) asks
 * about several requests at once; its {@code request} is the pack's {@link Pack#standIn() stand-in}, and the
 * answer comes back per id in {@link ProviderAnswer#parts()}. Only providers configured for packing get one.
 */
public record ProviderCall(AnalysisRequest request, String model, Instant deadline, DeltaSink deltas, Pack pack) {
    public ProviderCall {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(deadline, "deadline");
        deltas = deltas == null ? DeltaSink.NONE : deltas;
    }

    public ProviderCall(AnalysisRequest request, String model, Instant deadline, DeltaSink deltas) {
        this(request, model, deadline, deltas, null);
    }

    /** Several requests in one call; packs never stream. */
    public static ProviderCall packed(Pack pack, String model, Instant deadline) {
        return new ProviderCall(pack.standIn(), model, deadline, DeltaSink.NONE, pack);
    }

    /** Receives pieces of streamed model output. */
    @FunctionalInterface
    public interface DeltaSink {
        DeltaSink NONE = delta -> {
        };

        void accept(String delta);
    }
}

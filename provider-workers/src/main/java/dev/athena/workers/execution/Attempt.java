package dev.athena.workers.execution;

import dev.athena.workers.provider.spi.Provider;
import java.util.Objects;

/** One step of an item's failover chain: which provider, which model, and whether its answer is a degradation. */
public record Attempt(Provider provider, String model, boolean degraded) {
    public Attempt {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
    }
}

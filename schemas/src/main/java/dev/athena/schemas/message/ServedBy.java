package dev.athena.schemas.message;

import java.util.Objects;

/** Which provider and model produced an answer; {@code degraded} marks a fallback to the offline analyser. */
public record ServedBy(String provider, String model, boolean degraded) {
    public ServedBy {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
    }

    public static ServedBy of(String provider, String model) {
        return new ServedBy(provider, model, false);
    }
}

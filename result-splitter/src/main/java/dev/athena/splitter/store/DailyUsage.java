package dev.athena.splitter.store;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/** A client's consumption on one UTC day with one provider and model. */
public record DailyUsage(LocalDate day, String provider, String model, long requests, long inputTokens,
        long outputTokens, BigDecimal costUsd) {
    public DailyUsage {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(costUsd, "costUsd");
    }
}

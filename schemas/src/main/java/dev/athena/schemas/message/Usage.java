package dev.athena.schemas.message;

/** Tokens and money spent on one answer. Cache-read tokens are a subset of input tokens. */
public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, double costUsd) {
    public static final Usage NONE = new Usage(0, 0, 0, 0.0);

    public Usage {
        // !(costUsd >= 0) also refuses NaN, which JSON cannot carry as a number.
        if (inputTokens < 0 || outputTokens < 0 || cacheReadTokens < 0 || !(costUsd >= 0)
                || Double.isInfinite(costUsd)) {
            throw new IllegalArgumentException("usage must not be negative but was " + inputTokens + "/"
                    + outputTokens + "/" + cacheReadTokens + "/" + costUsd);
        }
    }

    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cacheReadTokens + other.cacheReadTokens, costUsd + other.costUsd);
    }
}

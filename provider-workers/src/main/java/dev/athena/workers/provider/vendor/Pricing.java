package dev.athena.workers.provider.vendor;

import dev.athena.schemas.message.Usage;

/** US dollars per million tokens: fresh input, output, and input read from the provider's prompt cache. */
public record Pricing(double inputPerMillion, double outputPerMillion, double cacheReadPerMillion) {
    public static final Pricing FREE = new Pricing(0, 0, 0);

    public Pricing {
        if (inputPerMillion < 0 || outputPerMillion < 0 || cacheReadPerMillion < 0) {
            throw new IllegalArgumentException("prices must not be negative but were " + inputPerMillion + "/"
                    + outputPerMillion + "/" + cacheReadPerMillion);
        }
    }

    /** {@code inputTokens} includes {@code cacheReadTokens}, which are billed at the cache price instead. */
    public Usage usage(long inputTokens, long outputTokens, long cacheReadTokens) {
        long fresh = Math.max(0, inputTokens - cacheReadTokens);
        double cost = (fresh * inputPerMillion + outputTokens * outputPerMillion + cacheReadTokens * cacheReadPerMillion)
                / 1_000_000.0;
        return new Usage(inputTokens, outputTokens, cacheReadTokens, cost);
    }
}

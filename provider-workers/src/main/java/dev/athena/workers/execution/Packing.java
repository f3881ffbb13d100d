package dev.athena.workers.execution;

/**
 * Packing for one provider: up to {@code maxItems} small items of one batch go to it in one call, together no
 * more than {@code maxTokens} (estimated) of files. Worth it when the provider is bound by requests per minute.
 */
public record Packing(int maxItems, long maxTokens) {
    public Packing {
        if (maxItems < 2) {
            throw new IllegalArgumentException("packing maxItems must be >= 2 but was " + maxItems);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("packing maxTokens must be >= 1 but was " + maxTokens);
        }
    }

    /** What one item adds to a pack: its file and per-item framing, without the shared instructions. */
    static long tokens(dev.athena.schemas.message.AnalysisRequest request) {
        return (request.code().length() + 120) / 4;
    }
}

package dev.athena.workers.provider.spi;

import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Usage;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider said: findings sorted by line, a one-line summary, the model that answered and what it cost.
 * The answer to a packed call has no findings of its own: {@code parts} holds, per pack id, the answer for each
 * item the provider answered unambiguously, with its share of the usage.
 */
public record ProviderAnswer(List<Finding> findings, String summary, String model, Usage usage,
        Map<String, ProviderAnswer> parts) {
    private static final Comparator<Finding> BY_LINE = Comparator.comparingInt(Finding::line)
            .thenComparing(Finding::ruleId);

    public ProviderAnswer {
        Objects.requireNonNull(model, "model");
        findings = findings == null ? List.of() : findings.stream().sorted(BY_LINE).toList();
        summary = summary == null || summary.isBlank() ? countSummary(findings.size()) : summary;
        usage = usage == null ? Usage.NONE : usage;
        parts = parts == null ? Map.of() : Map.copyOf(parts);
    }

    public ProviderAnswer(List<Finding> findings, String summary, String model, Usage usage) {
        this(findings, summary, model, usage, null);
    }

    /** "no findings", "1 finding", "3 findings". */
    public static String countSummary(int count) {
        return switch (count) {
            case 0 -> "no findings";
            case 1 -> "1 finding";
            default -> count + " findings";
        };
    }
}

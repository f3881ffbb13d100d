package dev.athena.schemas.message;

import java.util.List;

/**
 * The providers a request may name, besides {@code auto} (or nothing): the provider workers serve exactly these,
 * each configured one by its name and {@code builtin} always. Admission refuses any other name, so a typo is told
 * to its sender instead of being answered by {@code builtin} in the named provider's place.
 */
public final class ProviderNames {
    public static final String ANTHROPIC = "anthropic";
    public static final String OPENAI = "openai";
    public static final String DEEPSEEK = "deepseek";
    public static final String LOCAL = "local";
    public static final String BUILTIN = "builtin";
    /** In the workers' default order of priority, {@code builtin} last. */
    public static final List<String> ALL = List.of(ANTHROPIC, OPENAI, DEEPSEEK, LOCAL, BUILTIN);

    private ProviderNames() {
    }

    /** Whether a request may ask for {@code provider} (as {@link AnalysisRequest#providerOrAuto()} gives it). */
    public static boolean requestable(String provider) {
        return switch (provider) {
            case AnalysisRequest.AUTO, ANTHROPIC, OPENAI, DEEPSEEK, LOCAL, BUILTIN -> true;
            default -> false;
        };
    }
}

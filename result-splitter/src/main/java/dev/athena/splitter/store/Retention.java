package dev.athena.splitter.store;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How long the splitter's tables keep their rows; {@link Duration#ZERO} keeps them for ever.
 *
 * @param results  {@code analysis_results}, by {@code completed_at}: what clients read back, and what scans fall
 *                 back on for a file whose result their own state lacks (such a file is submitted again)
 * @param usage    {@code usage_ledger}, by {@code occurred_at}: what was spent, kept for ever by default
 * @param audit    {@code admin_audit_log}, by {@code occurred_at}: kept for ever by default
 * @param every    how often a sweep runs
 */
public record Retention(Duration results, Duration usage, Duration audit, Duration every) {
    public static final Retention DEFAULT = new Retention(Duration.ofDays(30), Duration.ZERO, Duration.ZERO,
            Duration.ofHours(1));

    public Retention {
        requireNotNegative(results, "results");
        requireNotNegative(usage, "usage");
        requireNotNegative(audit, "audit");
        requireNotNegative(every, "every");
        if (every.isZero()) {
            throw new IllegalArgumentException("every must be a positive duration but was " + every);
        }
    }

    /**
     * From {@code ATHENA_RETAIN_RESULTS}, {@code ATHENA_RETAIN_USAGE}, {@code ATHENA_RETAIN_AUDIT} and
     * {@code ATHENA_RETENTION_SWEEP_EVERY}: {@code 30d}, {@code 12h}, {@code 90m}, an ISO-8601 duration
     * ({@code P30D}) or {@code forever}; unset keeps {@link #DEFAULT}'s.
     */
    public static Retention fromEnvironment(Map<String, String> env) {
        return new Retention(
                duration(env, "ATHENA_RETAIN_RESULTS", DEFAULT.results),
                duration(env, "ATHENA_RETAIN_USAGE", DEFAULT.usage),
                duration(env, "ATHENA_RETAIN_AUDIT", DEFAULT.audit),
                duration(env, "ATHENA_RETENTION_SWEEP_EVERY", DEFAULT.every));
    }

    public boolean keepsEverything() {
        return results.isZero() && usage.isZero() && audit.isZero();
    }

    /** The forms the ingest module reads (its {@code Durations}); the modules share only the contracts. */
    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String text = value.strip().toLowerCase(Locale.ROOT);
        if (text.equals("forever")) {
            return Duration.ZERO;
        }
        Duration parsed;
        try {
            if (text.startsWith("p") || text.startsWith("-p")) {
                parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
            } else {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                parsed = switch (text.charAt(text.length() - 1)) {
                    case 'd' -> Duration.ofDays(amount);
                    case 'h' -> Duration.ofHours(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    default -> throw new IllegalArgumentException("no unit");
                };
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " must be like 30d, 12h, 90m, P30D or forever but was '"
                    + value + "'", e);
        }
        if (parsed.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative but was '" + value + "'");
        }
        return parsed;
    }

    private static void requireNotNegative(Duration value, String name) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero (keep for ever) or positive but was " + value);
        }
    }
}

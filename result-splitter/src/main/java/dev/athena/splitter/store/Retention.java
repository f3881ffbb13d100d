package dev.athena.splitter.store;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([dhm])");

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

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.equals("forever")) {
            return Duration.ZERO;
        }
        Matcher shortForm = SHORT.matcher(text);
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            return switch (shortForm.group(2)) {
                case "d" -> Duration.ofDays(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofMinutes(amount);
            };
        }
        try {
            Duration parsed = Duration.parse(value.trim());
            if (parsed.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative but was '" + value + "'");
            }
            return parsed;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be like 30d, 12h, 90m, P30D or forever but was '"
                    + value + "'", e);
        }
    }

    private static void requireNotNegative(Duration value, String name) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero (keep for ever) or positive but was " + value);
        }
    }
}

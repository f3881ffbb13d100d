package dev.athena.workers.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which providers send bulk-lane batches to their asynchronous batch API, and only when every item's deadline is
 * at least how far away ({@code ATHENA_<NAME>_BATCH_API=true}, {@code ATHENA_<NAME>_BATCH_API_MIN_DEADLINE},
 * default {@code 30m}); and how often a pending provider batch is polled
 * ({@code ATHENA_PROVIDER_BATCH_POLL_INTERVAL}, default {@code 60s}). Off unless a provider turns it on.
 */
public record BatchApiSettings(Map<String, Duration> minDeadlineByProvider, Duration pollInterval) {
    public static final Duration DEFAULT_MIN_DEADLINE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(60);
    public static final BatchApiSettings OFF = new BatchApiSettings(Map.of(), DEFAULT_POLL_INTERVAL);

    public BatchApiSettings {
        minDeadlineByProvider = Map.copyOf(Objects.requireNonNull(minDeadlineByProvider, "minDeadlineByProvider"));
        minDeadlineByProvider.forEach((name, d) -> {
            if (d.isNegative()) {
                throw new IllegalArgumentException("minimum deadline of " + name + " must not be negative but was " + d);
            }
        });
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive but was " + pollInterval);
        }
    }

    public boolean enabled() {
        return !minDeadlineByProvider.isEmpty();
    }

    /** The same settings with {@code provider}'s batch API on. */
    public BatchApiSettings with(String provider, Duration minDeadline) {
        Map<String, Duration> out = new java.util.HashMap<>(minDeadlineByProvider);
        out.put(provider, minDeadline);
        return new BatchApiSettings(out, pollInterval);
    }

    public BatchApiSettings withPollInterval(Duration interval) {
        return new BatchApiSettings(minDeadlineByProvider, interval);
    }

    static BatchApiSettings fromEnvironment(Map<String, String> env, Iterable<String> providers) {
        BatchApiSettings settings = OFF;
        String interval = env.get("ATHENA_PROVIDER_BATCH_POLL_INTERVAL");
        if (interval != null && !interval.isBlank()) {
            settings = settings.withPollInterval(duration("ATHENA_PROVIDER_BATCH_POLL_INTERVAL", interval));
        }
        for (String name : providers) {
            String prefix = "ATHENA_" + name.toUpperCase(Locale.ROOT) + "_BATCH_API";
            if ("true".equalsIgnoreCase(env.getOrDefault(prefix, "").trim())) {
                String min = env.get(prefix + "_MIN_DEADLINE");
                settings = settings.with(name, min == null || min.isBlank() ? DEFAULT_MIN_DEADLINE
                        : duration(prefix + "_MIN_DEADLINE", min));
            }
        }
        return settings;
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}. */
    static Duration duration(String variable, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException(t);
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(variable + " must be a number with s, m or h (e.g. 30m) but was '"
                    + text + "'", e);
        }
    }
}

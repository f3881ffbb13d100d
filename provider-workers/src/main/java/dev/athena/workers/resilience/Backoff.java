package dev.athena.workers.resilience;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Locale;

/** How the wait grows with each attempt (retries) or each reopening (a breaker's open state). */
public enum Backoff {
    LINEAR, EXPONENTIAL, FIBONACCI;

    /** The wait before attempt {@code n} (1 = the first retry), capped at {@code max}. */
    public Duration delay(Duration initial, int n, Duration max) {
        long base = initial.toMillis();
        long millis = switch (this) {
            case LINEAR -> base * n;
            case EXPONENTIAL -> base * (1L << Math.min(30, n - 1));
            case FIBONACCI -> base * fibonacci(n);
        };
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    /** The same curve for resilience4j's open-state wait. */
    public IntervalFunction intervalFunction(Duration initial, Duration max) {
        return attempt -> delay(initial, Math.max(1, attempt), max).toMillis();
    }

    public static Backoff fromConfig(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("backoff must be linear, exponential or fibonacci but was '" + value
                    + "'", e);
        }
    }

    private static long fibonacci(int n) {
        long a = 1;
        long b = 1;
        for (int i = 2; i < n && i < 60; i++) {
            long next = a + b;
            a = b;
            b = next;
        }
        return n <= 2 ? 1 : b;
    }
}

package dev.athena.ingest.gateway.auth;

import dev.athena.ingest.Durations;
import dev.athena.ingest.gateway.InvalidInput;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The lifetimes an admin may give keys: an expiry between a minute and ten years ahead, as an instant
 * ({@code expiresAt}) or from now ({@code expiresIn}, such as {@code 90d}), and a rotation's grace period, during
 * which the rotated key still works, from none to 30 days.
 */
public final class KeyLifetime {
    static final Duration SHORTEST = Duration.ofMinutes(1);
    static final Duration LONGEST = Duration.ofDays(3650);
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
    static final Duration LONGEST_GRACE = Duration.ofDays(30);

    private KeyLifetime() {
    }

    /**
     * @param expiresAt an ISO-8601 instant, or null
     * @param expiresIn a duration ({@code 90d}, {@code 12h}, {@code PT30M}), or null
     * @return the expiry, or null (the key does not expire) when both are null
     */
    public static Instant expiry(Instant now, String expiresAt, String expiresIn) {
        if (expiresAt != null && expiresIn != null) {
            throw new InvalidInput("expiresAt", "give 'expiresAt' or 'expiresIn', not both");
        }
        if (expiresAt != null) {
            Instant at;
            try {
                at = Instant.parse(expiresAt);
            } catch (DateTimeParseException e) {
                throw new InvalidInput("expiresAt", "field 'expiresAt' must be an instant like "
                        + "2027-03-01T00:00:00Z but was '" + shortened(expiresAt) + "'");
            }
            if (at.isBefore(now.plus(SHORTEST)) || at.isAfter(now.plus(LONGEST))) {
                throw new InvalidInput("expiresAt", "field 'expiresAt' must be between a minute and 3650 days "
                        + "from now (" + now + ") but was " + at);
            }
            return at;
        }
        if (expiresIn != null) {
            Duration in = duration("expiresIn", expiresIn);
            if (in.compareTo(SHORTEST) < 0 || in.compareTo(LONGEST) > 0) {
                throw new InvalidInput("expiresIn", "field 'expiresIn' must be between 1m and 3650d but was '"
                        + shortened(expiresIn) + "'");
            }
            return now.plus(in);
        }
        return null;
    }

    /** @param grace a duration, or null for {@link #DEFAULT_GRACE} */
    public static Duration grace(String grace) {
        if (grace == null) {
            return DEFAULT_GRACE;
        }
        Duration parsed = duration("grace", grace);
        if (parsed.isNegative() || parsed.compareTo(LONGEST_GRACE) > 0) {
            throw new InvalidInput("grace", "field 'grace' must be between 0s and 30d but was '" + grace + "'");
        }
        return parsed;
    }

    private static Duration duration(String field, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new InvalidInput(field, "field '" + field + "' must be a duration like 90d, 12h or 30m but was '"
                    + shortened(text) + "'");
        }
    }

    private static String shortened(String text) {
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }
}

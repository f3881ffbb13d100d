package dev.athena.ingest.gateway.store;

import dev.athena.ingest.Durations;
import java.time.Duration;
import java.util.Map;

/**
 * How long the gateway's tables keep their rows; {@link Duration#ZERO} keeps them for ever.
 *
 * @param submissions {@code gateway_submissions}, by {@code created_at}: an id's owner before its result is
 *                    stored, and the first answer to an {@code Idempotency-Key}; a retry with the key after this
 *                    is a new request
 * @param audit       {@code gateway_audit_log}, by {@code occurred_at}; kept for ever by default
 * @param every       how often a sweep runs
 */
public record GatewayRetention(Duration submissions, Duration audit, Duration every) {
    public static final GatewayRetention DEFAULT = new GatewayRetention(Duration.ofDays(30), Duration.ZERO,
            Duration.ofHours(1));

    public GatewayRetention {
        if (submissions == null || submissions.isNegative() || audit == null || audit.isNegative()) {
            throw new IllegalArgumentException("retentions must be zero (keep for ever) or positive but were "
                    + submissions + " and " + audit);
        }
        if (every == null || every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("every must be a positive duration but was " + every);
        }
    }

    /**
     * From {@code ATHENA_RETAIN_SUBMISSIONS}, {@code ATHENA_RETAIN_GATEWAY_AUDIT} and
     * {@code ATHENA_RETENTION_SWEEP_EVERY}, as {@link Durations} reads them ({@code 30d}, {@code 12h},
     * {@code P30D}) or {@code forever}.
     */
    public static GatewayRetention fromEnvironment(Map<String, String> env) {
        return new GatewayRetention(duration(env, "ATHENA_RETAIN_SUBMISSIONS", DEFAULT.submissions),
                duration(env, "ATHENA_RETAIN_GATEWAY_AUDIT", DEFAULT.audit),
                duration(env, "ATHENA_RETENTION_SWEEP_EVERY", DEFAULT.every));
    }

    public boolean keepsEverything() {
        return submissions.isZero() && audit.isZero();
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        if (value.strip().equalsIgnoreCase("forever")) {
            return Duration.ZERO;
        }
        try {
            Duration parsed = Durations.parse(value);
            if (!parsed.isNegative()) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // the message below names the variable as well
        }
        throw new IllegalArgumentException(name + " must be like 30d, 12h, 90m, P30D or forever but was '" + value
                + "'");
    }
}

package dev.athena.collector;

import dev.athena.collector.admission.ClientAllowlist;
import dev.athena.collector.quota.ClientQuotas;
import dev.athena.schemas.message.Lane;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the collector needs to run. Windows are per lane: the interactive window defaults to 50 ms, half of
 * bulk's 100 ms, because every exactly-once hop already adds up to a commit interval of latency on the way to the
 * client (DESIGN.md, "Exactly-once costs latency").
 *
 * @param redisUrl  the shared answer cache ({@code redis://host:port}); null means no cache lookups
 * @param quotas    per-client rates at batch formation; null means none
 * @param allowedClients who may submit requests (ids and {@code prefix*} globs); null or empty means everyone
 * @param bulkQuotas per-client rates of the bulk intake ({@code athena.requests.bulk}, where scans submit), which
 *                  enforces its own; null means the same rates as {@code quotas}
 * @param maxTokens estimated input tokens per batch (see {@code TokenEstimate}); one item larger than the budget
 *                  travels alone in its batch
 */
public record CollectorSettings(String bootstrap, String applicationId, Path stateDir, Duration interactiveWindow,
        Duration bulkWindow, int maxItems, long maxTokens, int maxCodeBytes, Duration commitInterval,
        String redisUrl, ClientQuotas quotas, ClientAllowlist allowedClients, ClientQuotas bulkQuotas) {
    public static final String DEFAULT_APPLICATION_ID = "athena-batch-collector";

    public CollectorSettings {
        requireText(bootstrap, "bootstrap");
        requireText(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        quotas = quotas == null ? ClientQuotas.unlimited() : quotas;
        allowedClients = allowedClients == null ? ClientAllowlist.everyone() : allowedClients;
        requirePositive(interactiveWindow, "interactiveWindow");
        requirePositive(bulkWindow, "bulkWindow");
        requirePositive(commitInterval, "commitInterval");
        if (maxItems < 1) {
            throw new IllegalArgumentException("maxItems must be >= 1 but was " + maxItems);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1 but was " + maxTokens);
        }
        if (redisUrl != null && !redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
            throw new IllegalArgumentException("redisUrl must start with redis:// or rediss:// but was '" + redisUrl
                    + "'");
        }
        if (maxCodeBytes < 1) {
            throw new IllegalArgumentException("maxCodeBytes must be >= 1 but was " + maxCodeBytes);
        }
    }

    /** The bulk intake with the same rates as the main one. */
    public CollectorSettings(String bootstrap, String applicationId, Path stateDir, Duration interactiveWindow,
            Duration bulkWindow, int maxItems, long maxTokens, int maxCodeBytes, Duration commitInterval,
            String redisUrl, ClientQuotas quotas, ClientAllowlist allowedClients) {
        this(bootstrap, applicationId, stateDir, interactiveWindow, bulkWindow, maxItems, maxTokens, maxCodeBytes,
                commitInterval, redisUrl, quotas, allowedClients, null);
    }

    /** Without a Redis cache. */
    public CollectorSettings(String bootstrap, String applicationId, Path stateDir, Duration interactiveWindow,
            Duration bulkWindow, int maxItems, long maxTokens, int maxCodeBytes, Duration commitInterval) {
        this(bootstrap, applicationId, stateDir, interactiveWindow, bulkWindow, maxItems, maxTokens, maxCodeBytes,
                commitInterval, null, null, null);
    }

    /** Without client quotas. */
    public CollectorSettings(String bootstrap, String applicationId, Path stateDir, Duration interactiveWindow,
            Duration bulkWindow, int maxItems, long maxTokens, int maxCodeBytes, Duration commitInterval,
            String redisUrl) {
        this(bootstrap, applicationId, stateDir, interactiveWindow, bulkWindow, maxItems, maxTokens, maxCodeBytes,
                commitInterval, redisUrl, null, null);
    }

    /** Without an allowlist: every client is allowed. */
    public CollectorSettings(String bootstrap, String applicationId, Path stateDir, Duration interactiveWindow,
            Duration bulkWindow, int maxItems, long maxTokens, int maxCodeBytes, Duration commitInterval,
            String redisUrl, ClientQuotas quotas) {
        this(bootstrap, applicationId, stateDir, interactiveWindow, bulkWindow, maxItems, maxTokens, maxCodeBytes,
                commitInterval, redisUrl, quotas, null);
    }

    public static CollectorSettings defaults(String bootstrap, Path stateDir) {
        return new CollectorSettings(bootstrap, DEFAULT_APPLICATION_ID, stateDir, Duration.ofMillis(50),
                Duration.ofMillis(100), 32, 100_000, 256 * 1024, Duration.ofMillis(50));
    }

    public CollectorSettings withRedisUrl(String url) {
        return new CollectorSettings(bootstrap, applicationId, stateDir, interactiveWindow, bulkWindow, maxItems,
                maxTokens, maxCodeBytes, commitInterval, url, quotas, allowedClients, bulkQuotas);
    }

    public CollectorSettings withQuotas(ClientQuotas clientQuotas) {
        return new CollectorSettings(bootstrap, applicationId, stateDir, interactiveWindow, bulkWindow, maxItems,
                maxTokens, maxCodeBytes, commitInterval, redisUrl, clientQuotas, allowedClients, bulkQuotas);
    }

    /** Only these clients may submit requests; others are dead-lettered as UNAUTHORISED_CLIENT. */
    public CollectorSettings withAllowedClients(ClientAllowlist allowlist) {
        return new CollectorSettings(bootstrap, applicationId, stateDir, interactiveWindow, bulkWindow, maxItems,
                maxTokens, maxCodeBytes, commitInterval, redisUrl, quotas, allowlist, bulkQuotas);
    }

    /** Rates for the bulk intake only; the main intake keeps {@link #quotas()}. */
    public CollectorSettings withBulkQuotas(ClientQuotas rates) {
        return new CollectorSettings(bootstrap, applicationId, stateDir, interactiveWindow, bulkWindow, maxItems,
                maxTokens, maxCodeBytes, commitInterval, redisUrl, quotas, allowedClients, rates);
    }

    /** The settings the application of {@code intake} runs with: the bulk one enforces {@code bulkQuotas}. */
    public CollectorSettings forIntake(Intake intake) {
        return intake == Intake.BULK && bulkQuotas != null ? new CollectorSettings(bootstrap, applicationId,
                stateDir, interactiveWindow, bulkWindow, maxItems, maxTokens, maxCodeBytes, commitInterval, redisUrl,
                bulkQuotas, allowedClients, bulkQuotas) : this;
    }

    public Duration window(Lane lane) {
        return lane == Lane.BULK ? bulkWindow : interactiveWindow;
    }

    public CollectorSettings withApplicationId(String id) {
        return new CollectorSettings(bootstrap, id, stateDir, interactiveWindow, bulkWindow, maxItems, maxTokens,
                maxCodeBytes, commitInterval, redisUrl, quotas, allowedClients, bulkQuotas);
    }

    public CollectorSettings withStateDir(Path dir) {
        return new CollectorSettings(bootstrap, applicationId, dir, interactiveWindow, bulkWindow, maxItems,
                maxTokens, maxCodeBytes, commitInterval, redisUrl, quotas, allowedClients, bulkQuotas);
    }

    public CollectorSettings withWindows(Duration interactive, Duration bulk) {
        return new CollectorSettings(bootstrap, applicationId, stateDir, interactive, bulk, maxItems, maxTokens,
                maxCodeBytes, commitInterval, redisUrl, quotas, allowedClients, bulkQuotas);
    }

    public CollectorSettings withCaps(int items, long tokens) {
        return new CollectorSettings(bootstrap, applicationId, stateDir, interactiveWindow, bulkWindow, items,
                tokens, maxCodeBytes, commitInterval, redisUrl, quotas, allowedClients, bulkQuotas);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank but was '" + value + "'");
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive but was " + value);
        }
    }
}

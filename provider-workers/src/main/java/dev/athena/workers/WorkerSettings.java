package dev.athena.workers;

import java.util.Objects;
import java.util.UUID;

/**
 * How one worker instance connects and how much it takes on. {@code instanceId} names the instance in client
 * ids and its transactional id: keep it stable across restarts of the same instance (a pod name), so that a
 * restarted instance fences its former self and aborts what it left open. {@code maxConcurrentBatches} bounds
 * the batches executed at once (items inside them run concurrently, bounded per provider).
 */
public record WorkerSettings(String bootstrap, String redisUrl, String groupId, String instanceId,
        int maxConcurrentBatches) {
    public static final String DEFAULT_GROUP = "athena-provider-workers";
    public static final int DEFAULT_MAX_CONCURRENT_BATCHES = 8;

    public WorkerSettings {
        requireText(bootstrap, "bootstrap");
        requireText(groupId, "groupId");
        requireText(instanceId, "instanceId");
        if (!instanceId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("instanceId must be 1-100 of letters, digits and ._- but was '"
                    + instanceId + "'");
        }
        if (maxConcurrentBatches < 1 || maxConcurrentBatches > 1024) {
            throw new IllegalArgumentException("maxConcurrentBatches must be within 1..1024 but was "
                    + maxConcurrentBatches);
        }
    }

    /** Group {@value #DEFAULT_GROUP}, a random instance id, {@value #DEFAULT_MAX_CONCURRENT_BATCHES} batches at once. */
    public static WorkerSettings defaults(String bootstrap, String redisUrl) {
        return new WorkerSettings(bootstrap, redisUrl, DEFAULT_GROUP, "worker-" + UUID.randomUUID(),
                DEFAULT_MAX_CONCURRENT_BATCHES);
    }

    public WorkerSettings withGroupId(String newGroupId) {
        return new WorkerSettings(bootstrap, redisUrl, newGroupId, instanceId, maxConcurrentBatches);
    }

    public WorkerSettings withInstanceId(String newInstanceId) {
        return new WorkerSettings(bootstrap, redisUrl, groupId, newInstanceId, maxConcurrentBatches);
    }

    public WorkerSettings withMaxConcurrentBatches(int newMaxConcurrentBatches) {
        return new WorkerSettings(bootstrap, redisUrl, groupId, instanceId, newMaxConcurrentBatches);
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank but was '" + value + "'");
        }
    }
}

package dev.athena.workers;

import java.util.Map;

/**
 * The worker settings a deployment sets in its environment, read alike by {@link WorkersMain} and by the
 * all-in-one launcher. Unset or blank means the default; a value that cannot be used stops the start with a
 * message naming the variable, the value and what was expected.
 *
 * <ul>
 *   <li>{@value #GROUP}: the consumer group of the batches (instances sharing the work share it).</li>
 *   <li>{@value #INSTANCE_ID}: this instance's stable id, part of its transactional ids: keep it across restarts
 *       (a pod name), so that a restarted instance fences its predecessor's open transaction at once.</li>
 *   <li>{@value #MAX_BATCHES}: batches per lane running at once, 1 to 1024.</li>
 * </ul>
 */
public final class WorkerEnvironment {
    public static final String GROUP = "ATHENA_WORKER_GROUP";
    public static final String INSTANCE_ID = "ATHENA_WORKER_ID";
    public static final String MAX_BATCHES = "ATHENA_WORKER_MAX_BATCHES";

    private WorkerEnvironment() {
    }

    /** {@code base} with whatever {@code env} sets. */
    public static WorkerSettings apply(WorkerSettings base, Map<String, String> env) {
        WorkerSettings settings = base.withGroupId(value(env, GROUP, base.groupId()));
        try {
            settings = settings.withInstanceId(value(env, INSTANCE_ID, base.instanceId()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(INSTANCE_ID + ": " + e.getMessage(), e);
        }
        String maxBatches = value(env, MAX_BATCHES, null);
        if (maxBatches == null) {
            return settings;
        }
        try {
            return settings.withMaxConcurrentBatches(Integer.parseInt(maxBatches));
        } catch (IllegalArgumentException e) {
            // a number out of range as well as no number: the settings' own limits, named for the variable
            throw new IllegalArgumentException(MAX_BATCHES + " must be a whole number of batches from 1 to 1024 but "
                    + "was '" + maxBatches + "'", e);
        }
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}

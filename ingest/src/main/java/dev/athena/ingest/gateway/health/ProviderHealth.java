package dev.athena.ingest.gateway.health;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One provider across the live worker instances: the worst breaker state any of them sees, the bulkhead slots
 * free in all of them together, and the smallest rate budget any of them reports (with a Redis-shared limit they
 * all report the same budget; while Redis is away each reports its own share, and the smallest is what the next
 * call can count on). Fields none of the instances has (builtin: breaker, bulkhead, limiter) are {@code null}.
 */
public record ProviderHealth(String provider, Integer priority, List<String> models, String breakerState,
        int instanceCount, Integer bulkheadAvailable, Integer bulkheadMaxConcurrent, Integer bulkheadQueued,
        Limiter limiter, List<InstanceSnapshot> instances) {

    /** The tightest budget across instances; {@code pausedUntil} the latest pause any of them was asked for. */
    public record Limiter(long requestsPerMinute, long requestsRemaining, long tokensPerMinute, long tokensRemaining,
            Instant pausedUntil) {
    }

    /** Worse states rank higher; a state this gateway does not know ranks as bad as open. */
    private static final List<String> BY_SEVERITY = List.of("CLOSED", "METRICS_ONLY", "DISABLED", "HALF_OPEN",
            "OPEN", "FORCED_OPEN");

    static int severity(String state) {
        int rank = BY_SEVERITY.indexOf(state);
        return rank < 0 ? BY_SEVERITY.indexOf("OPEN") : rank;
    }

    /** Groups snapshots by provider; providers ordered by priority (builtin, without one, last), then name. */
    public static List<ProviderHealth> aggregate(List<InstanceSnapshot> snapshots) {
        Map<String, List<InstanceSnapshot>> byProvider = new TreeMap<>();
        for (InstanceSnapshot s : snapshots) {
            byProvider.computeIfAbsent(s.provider(), p -> new ArrayList<>()).add(s);
        }
        List<ProviderHealth> out = new ArrayList<>();
        byProvider.forEach((provider, list) -> out.add(of(provider, list)));
        out.sort(Comparator.comparing((ProviderHealth h) -> h.priority() == null ? Integer.MAX_VALUE : h.priority())
                .thenComparing(ProviderHealth::provider));
        return out;
    }

    private static ProviderHealth of(String provider, List<InstanceSnapshot> list) {
        List<InstanceSnapshot> instances = list.stream()
                .sorted(Comparator.comparing(InstanceSnapshot::instanceId, Comparator.nullsLast(String::compareTo)))
                .toList();
        Integer priority = instances.stream().map(InstanceSnapshot::priority).filter(Objects::nonNull)
                .min(Integer::compare).orElse(null);
        List<String> models = List.copyOf(instances.stream().map(InstanceSnapshot::model).filter(Objects::nonNull)
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        String breaker = instances.stream().map(InstanceSnapshot::breakerState).filter(Objects::nonNull)
                .max(Comparator.comparingInt(ProviderHealth::severity)).orElse(null);
        return new ProviderHealth(provider, priority, models, breaker, instances.size(),
                sum(instances, InstanceSnapshot::bulkheadAvailable),
                sum(instances, InstanceSnapshot::bulkheadMaxConcurrent),
                sum(instances, InstanceSnapshot::bulkheadQueued), limiter(instances), instances);
    }

    private static Integer sum(List<InstanceSnapshot> instances,
            java.util.function.Function<InstanceSnapshot, Integer> field) {
        List<Integer> values = instances.stream().map(field).filter(Objects::nonNull).toList();
        return values.isEmpty() ? null : values.stream().mapToInt(Integer::intValue).sum();
    }

    private static Limiter limiter(List<InstanceSnapshot> instances) {
        List<InstanceSnapshot.Limiter> limits = instances.stream().map(InstanceSnapshot::limiter)
                .filter(Objects::nonNull).toList();
        if (limits.isEmpty()) {
            return null;
        }
        Instant paused = limits.stream().map(InstanceSnapshot.Limiter::pausedUntil).filter(Objects::nonNull)
                .max(Instant::compareTo).orElse(null);
        return new Limiter(
                limits.stream().mapToLong(InstanceSnapshot.Limiter::requestsPerMinute).max().orElseThrow(),
                limits.stream().mapToLong(InstanceSnapshot.Limiter::requestsRemaining).min().orElseThrow(),
                limits.stream().mapToLong(InstanceSnapshot.Limiter::tokensPerMinute).max().orElseThrow(),
                limits.stream().mapToLong(InstanceSnapshot.Limiter::tokensRemaining).min().orElseThrow(),
                paused);
    }

    /** As the admin API answers it. */
    public Map<String, Object> view() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("provider", provider);
        out.put("priority", priority);
        out.put("models", models);
        out.put("breakerState", breakerState);
        out.put("instanceCount", instanceCount);
        out.put("bulkheadAvailable", bulkheadAvailable);
        out.put("bulkheadMaxConcurrent", bulkheadMaxConcurrent);
        out.put("bulkheadQueued", bulkheadQueued);
        out.put("limiter", limiter);
        out.put("instances", instances);
        return out;
    }
}

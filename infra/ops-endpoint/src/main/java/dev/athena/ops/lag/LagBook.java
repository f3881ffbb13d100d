package dev.athena.ops.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a consumer group's probes have seen of the topics it reads, per topic: how many records it is behind, and
 * for how long it has not moved although records arrived after its last progress (stalled).
 *
 * <p>Why "stalled" needs new records and not just a lag: the inputs are written in transactions, and a group
 * commits only after records it processed, so on a quiet partition its committed offset stays before the last
 * commit marker (or before an aborted transaction's records) for good: a lag of one or more that nobody will ever
 * consume. A partition counts as waiting only once its end has moved past where it was when the group last made
 * progress on it, and stalled from the probe that first saw that, until the group's committed offset moves.
 * A group that stops while a backlog sits there and nothing new arrives is therefore seen by its lag, not here.
 *
 * <p>Updated by one probe thread, read by the meter registry's.
 */
public final class LagBook {
    private final List<String> topics;
    private final Map<String, TopicLag> latest = new ConcurrentHashMap<>();
    private final Map<Partition, Progress> progress = new HashMap<>();

    /** A partition of a topic, so the core needs no Kafka type. */
    public record Partition(String topic, int partition) {
    }

    /**
     * One partition's offsets as a probe read them: {@code committed} the group's (the log start offset where it has
     * committed none, which is where it would begin), {@code end} the last stable offset.
     */
    public record Offsets(long committed, long end) {
    }

    /** A topic's figures: records behind over all its partitions, and the longest stall among them. */
    public record TopicLag(long records, Duration stalled) {
        static final TopicLag UNKNOWN = new TopicLag(-1, Duration.ZERO);

        public boolean known() {
            return records >= 0;
        }
    }

    private record Progress(long committed, long endAtProgress, Instant waitingSince) {
    }

    public LagBook(List<String> topics) {
        this.topics = List.copyOf(topics);
        this.topics.forEach(topic -> latest.put(topic, TopicLag.UNKNOWN));
    }

    public List<String> topics() {
        return topics;
    }

    /** The figures of a topic after the last probe, {@link TopicLag#known() unknown} when it failed or has none. */
    public TopicLag topic(String topic) {
        return latest.getOrDefault(topic, TopicLag.UNKNOWN);
    }

    /**
     * Takes in one probe: the offsets of every partition it could read, at {@code now}. A topic with no partition
     * in it (not there, or not described) becomes unknown; partitions no longer read are forgotten.
     */
    public void record(Map<Partition, Offsets> probe, Instant now) {
        Map<String, long[]> records = new HashMap<>();
        Map<String, Duration> stalled = new HashMap<>();
        probe.forEach((partition, offsets) -> {
            Progress seen = next(progress.get(partition), offsets, now);
            progress.put(partition, seen);
            records.computeIfAbsent(partition.topic(), topic -> new long[1])[0]
                    += Math.max(0, offsets.end() - offsets.committed());
            Duration stall = seen.waitingSince() == null ? Duration.ZERO : Duration.between(seen.waitingSince(), now);
            stalled.merge(partition.topic(), stall, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        });
        Set<Partition> read = probe.keySet();
        progress.keySet().retainAll(read);
        for (String topic : topics) {
            long[] behind = records.get(topic);
            latest.put(topic, behind == null ? TopicLag.UNKNOWN : new TopicLag(behind[0], stalled.get(topic)));
        }
    }

    /** A probe that failed: every topic unknown until the next one succeeds (what was seen so far is kept). */
    public void failed() {
        topics.forEach(topic -> latest.put(topic, TopicLag.UNKNOWN));
    }

    private static Progress next(Progress before, Offsets now, Instant at) {
        if (before == null || before.committed() != now.committed()) {
            return new Progress(now.committed(), now.end(), null);
        }
        if (before.waitingSince() == null && now.end() > before.endAtProgress()) {
            return new Progress(before.committed(), before.endAtProgress(), at);
        }
        return before;
    }
}

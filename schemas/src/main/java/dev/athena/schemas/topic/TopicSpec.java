package dev.athena.schemas.topic;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.NewTopic;

/** A topic as the pipeline needs it. Replication is left to the broker's {@code default.replication.factor}. */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 but was " + partitions + " for " + name);
        }
        configs = Map.copyOf(configs);
    }

    public NewTopic toNewTopic() {
        return new NewTopic(name, java.util.Optional.of(partitions), java.util.Optional.empty()).configs(configs);
    }
}

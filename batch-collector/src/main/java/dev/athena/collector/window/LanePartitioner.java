package dev.athena.collector.window;

import dev.athena.schemas.message.Lane;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Where a batch goes on {@code athena.batches}: interactive batches to the first half of its partitions (the larger
 * half when their number is odd), bulk batches to the rest, each by its route's hash within its half, as Kafka's
 * own partitioner would spread them. Workers write a partition's results in order, so a batch waits for the batches
 * before it on its partition: sharing none with bulk, interactive work never waits behind a scan's backlog there.
 * With a single partition both lanes share it, as before.
 */
public final class LanePartitioner implements StreamPartitioner<String, WireBatch> {
    @Override
    public Optional<Set<Integer>> partitions(String topic, String route, WireBatch wire, int numPartitions) {
        if (numPartitions < 2 || route == null || wire == null || wire.batch().items().isEmpty()) {
            return Optional.empty();
        }
        int interactive = (numPartitions + 1) / 2;
        boolean bulk = wire.batch().items().getFirst().request().lane() == Lane.BULK;
        int first = bulk ? interactive : 0;
        int count = bulk ? numPartitions - interactive : interactive;
        int hash = Utils.toPositive(Utils.murmur2(route.getBytes(StandardCharsets.UTF_8)));
        return Optional.of(Set.of(first + hash % count));
    }
}

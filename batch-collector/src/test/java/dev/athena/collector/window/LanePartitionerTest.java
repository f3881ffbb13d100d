package dev.athena.collector.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.SchemaVersion;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LanePartitionerTest {
    private final LanePartitioner partitioner = new LanePartitioner();

    @Test
    void shouldKeepEachLaneOnItsOwnHalfOfThePartitionsAndSpreadRoutesOverIt() {
        Set<Integer> interactive = new HashSet<>();
        Set<Integer> bulk = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            interactive.addAll(partition("p" + i + "/m/interactive", Lane.INTERACTIVE, 6));
            bulk.addAll(partition("p" + i + "/m/bulk", Lane.BULK, 6));
        }
        assertThat(interactive).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(bulk).containsExactlyInAnyOrder(3, 4, 5);
        // the same route always goes to the same partition
        assertThat(partition("auto/auto/bulk", Lane.BULK, 6)).isEqualTo(partition("auto/auto/bulk", Lane.BULK, 6));
    }

    @Test
    void shouldGiveInteractiveTheLargerHalfOfAnOddNumberAndShareASinglePartition() {
        Set<Integer> interactive = new HashSet<>();
        Set<Integer> bulk = new HashSet<>();
        IntStream.range(0, 200).forEach(i -> {
            interactive.addAll(partition("p" + i + "/m/interactive", Lane.INTERACTIVE, 3));
            bulk.addAll(partition("p" + i + "/m/bulk", Lane.BULK, 3));
        });
        assertThat(interactive).containsExactlyInAnyOrder(0, 1);
        assertThat(bulk).containsExactly(2);
        assertThat(partitioner.partitions("t", "auto/auto/bulk", batch(Lane.BULK), 1)).isEmpty();
    }

    private Set<Integer> partition(String route, Lane lane, int partitions) {
        Optional<Set<Integer>> chosen = partitioner.partitions("athena.batches", route, batch(lane), partitions);
        assertThat(chosen).hasValueSatisfying(set -> assertThat(set).hasSize(1));
        return chosen.orElseThrow();
    }

    private static WireBatch batch(Lane lane) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "r-1", "team-a", AnalysisType.SECURITY,
                "python", "a.py", "print(1)", null, null, lane, null, null, null, Instant.now(), null);
        AnalysisBatch batch = new AnalysisBatch(SchemaVersion.CURRENT, "b-1", "auto/auto/" + lane.name().toLowerCase(),
                Instant.now(), Instant.now(), List.of(new BatchItem("k", request,
                        List.of(new Requester("r-1", "team-a", null, null)))));
        return new WireBatch(batch, List.of(Json.write(request)));
    }
}

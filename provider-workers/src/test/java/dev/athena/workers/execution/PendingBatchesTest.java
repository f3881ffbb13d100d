package dev.athena.workers.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchResult;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PendingBatchesTest {
    private static final TopicPartition P0 = new TopicPartition("athena.batches", 0);
    private static final TopicPartition P1 = new TopicPartition("athena.batches", 1);

    private static ConsumerRecord<String, byte[]> record(int partition, long offset) {
        return new ConsumerRecord<>("athena.batches", partition, offset, "k", new byte[0]);
    }

    private static ResultSize.Sized result(String id) {
        return ResultSize.fitting(new BatchResult(1, id, "r", List.of(), Instant.EPOCH));
    }

    @Test
    void shouldReleaseOnlyEachPartitionsDonePrefix() {
        PendingBatches pending = new PendingBatches();
        PendingBatches.Slot slow = pending.add(record(0, 10));
        PendingBatches.Slot fastBehindSlow = pending.add(record(0, 11));
        PendingBatches.Slot other = pending.add(record(1, 5));
        pending.complete(fastBehindSlow, result("b"));
        pending.complete(other, result("c"));

        PendingBatches.Ready first = pending.takeReady();
        assertThat(first.results()).extracting(ResultSize.Sized::batchId).containsExactly("c");
        assertThat(first.offsets()).containsOnlyKeys(P1);
        assertThat(first.offsets().get(P1).offset()).isEqualTo(6);

        pending.complete(slow, result("a"));
        PendingBatches.Ready second = pending.takeReady();
        assertThat(second.results()).extracting(ResultSize.Sized::batchId).containsExactly("a", "b");
        assertThat(second.offsets().get(P0).offset()).isEqualTo(12);
        assertThat(second.firstOffsets()).containsEntry(P0, 10L);
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void shouldMovePastPoisonRecordsAndIgnoreWorkOfDroppedPartitions() {
        PendingBatches pending = new PendingBatches();
        PendingBatches.Slot poison = pending.add(record(0, 0));
        pending.complete(poison, null);
        PendingBatches.Slot abandoned = pending.add(record(1, 3));
        pending.drop(List.of(P1));
        pending.complete(abandoned, result("late"));

        PendingBatches.Ready ready = pending.takeReady();
        assertThat(ready.results()).isEmpty();
        assertThat(ready.offsets()).containsOnlyKeys(P0);
        assertThat(ready.offsets().get(P0).offset()).isEqualTo(1);
        assertThat(pending.size()).isZero();
    }

    @Test
    void shouldHandBackTheProviderBatchesOfRecordsThatWillNeverBeCommitted() {
        PendingBatches pending = new PendingBatches();
        PendingBatches.Slot slow = pending.add(record(1, 3));
        PendingBatches.Slot submittedBehindSlow = pending.add(record(1, 4));
        PendingBatches.Slot stillRunning = pending.add(record(1, 5));
        ProviderBatchRecord first = submitted("b-4", "batch_4");
        ProviderBatchRecord late = submitted("b-5", "batch_5");
        assertThat(pending.complete(submittedBehindSlow, null, first)).isTrue();

        assertThat(pending.drop(List.of(P1))).containsExactly(first);
        assertThat(pending.complete(stillRunning, null, late)).as("its partition is gone").isFalse();
        assertThat(pending.complete(slow, result("b-3"), null)).isFalse();
        assertThat(pending.takeReady().isEmpty()).isTrue();
    }

    /**
     * A provider accepts a batch while its partition is being given up: the execution is cancelled, so the value
     * it returns is never read. Whichever comes first, the accepted batch is handed back for cancelling once.
     */
    @Test
    void shouldHandBackABatchAcceptedWhileItsPartitionWasBeingDropped() {
        PendingBatches pending = new PendingBatches();
        PendingBatches.Slot acceptedFirst = pending.add(record(0, 1));
        ProviderBatchRecord early = submitted("b-1", "batch_1");
        assertThat(acceptedFirst.submitted(early)).isTrue();
        assertThat(pending.drop(List.of(P0))).as("the drop hands it back").containsExactly(early);

        PendingBatches.Slot droppedFirst = pending.add(record(1, 7));
        assertThat(pending.drop(List.of(P1))).isEmpty();
        assertThat(droppedFirst.submitted(submitted("b-7", "batch_7"))).as("the submitter must cancel it").isFalse();
    }

    private static ProviderBatchRecord submitted(String batchId, String providerBatchId) {
        return new ProviderBatchRecord("g", new AnalysisBatch(1, batchId, "r", Instant.EPOCH, Instant.EPOCH,
                List.of()), "openai", providerBatchId, List.of(), Instant.EPOCH);
    }
}

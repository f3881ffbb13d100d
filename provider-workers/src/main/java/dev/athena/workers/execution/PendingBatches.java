package dev.athena.workers.execution;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Polled batch records on their way to committed results. Batches finish in any order, but a partition's offset
 * may only move past records that are all done, and a result may only be written together with the offset that
 * covers it (else a crash in between would redo a batch whose result is already out). So each partition keeps
 * its records in offset order and releases its done prefix: a slow bulk batch holds back its own partition
 * only. Used by the loop thread only.
 */
final class PendingBatches {
    /** One polled record; {@code result} stays null for a poison record, which is done at once. */
    static final class Slot {
        private final long offset;
        private ResultSize.Sized result;
        private ProviderBatchRecord submitted;
        private boolean done;
        private boolean dropped;
        private Future<?> future;

        private Slot(long offset) {
            this.offset = offset;
        }

        void running(Future<?> execution) {
            this.future = execution;
        }

        /**
         * Called by the batch's own thread as soon as a provider accepted its batch, before anything can throw
         * the answer away (a cancelled execution's value is never read): from then on a drop of the partition
         * hands the provider batch back for cancelling.
         *
         * @return false when the partition was dropped already: the caller must cancel the provider batch itself
         */
        synchronized boolean submitted(ProviderBatchRecord record) {
            if (dropped) {
                return false;
            }
            submitted = record;
            return true;
        }

        private synchronized ProviderBatchRecord drop() {
            dropped = true;
            return submitted;
        }

        private synchronized boolean isDropped() {
            return dropped;
        }
    }

    /** Results ready to write, the offsets that cover them, and where to read again if the write fails. */
    record Ready(List<ResultSize.Sized> results, List<ProviderBatchRecord> submitted,
            Map<TopicPartition, OffsetAndMetadata> offsets, Map<TopicPartition, Long> firstOffsets) {
        boolean isEmpty() {
            return offsets.isEmpty();
        }
    }

    private final Map<TopicPartition, ArrayDeque<Slot>> partitions = new LinkedHashMap<>();
    private int size;

    Slot add(ConsumerRecord<?, ?> record) {
        Slot slot = new Slot(record.offset());
        partitions.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), k -> new ArrayDeque<>())
                .addLast(slot);
        size++;
        return slot;
    }

    /** Records a finished batch; ignored when its partition was dropped meanwhile. */
    void complete(Slot slot, ResultSize.Sized result) {
        complete(slot, result, null);
    }

    /**
     * A batch handed to a provider's batch API has no result yet, only its pending record to write.
     *
     * @return false when the slot's partition was dropped meanwhile: nothing of it will be written
     */
    boolean complete(Slot slot, ResultSize.Sized result, ProviderBatchRecord submitted) {
        if (slot.isDropped()) {
            return false;
        }
        slot.result = result;
        slot.submitted = submitted;
        slot.done = true;
        return true;
    }

    /** Takes every partition's done prefix out. */
    Ready takeReady() {
        List<ResultSize.Sized> results = new ArrayList<>();
        List<ProviderBatchRecord> submitted = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        partitions.forEach((tp, queue) -> {
            while (!queue.isEmpty() && queue.peekFirst().done) {
                Slot slot = queue.pollFirst();
                size--;
                first.putIfAbsent(tp, slot.offset);
                offsets.put(tp, new OffsetAndMetadata(slot.offset + 1));
                if (slot.result != null) {
                    results.add(slot.result);
                }
                if (slot.submitted != null) {
                    submitted.add(slot.submitted);
                }
            }
        });
        return new Ready(results, submitted, offsets, first);
    }

    /**
     * Forgets these partitions' uncommitted records and cancels their work: they will be read again.
     *
     * @return the provider batches submitted for dropped records, whose pending records will now never be written
     */
    List<ProviderBatchRecord> drop(Collection<TopicPartition> dropped) {
        List<ProviderBatchRecord> orphans = new ArrayList<>();
        for (TopicPartition tp : dropped) {
            ArrayDeque<Slot> queue = partitions.remove(tp);
            if (queue != null) {
                for (Slot slot : queue) {
                    ProviderBatchRecord submitted = slot.drop();
                    if (submitted != null) {
                        orphans.add(submitted);
                    }
                    if (slot.future != null) {
                        slot.future.cancel(true);
                    }
                }
                size -= queue.size();
            }
        }
        return orphans;
    }

    List<ProviderBatchRecord> dropAll() {
        return drop(List.copyOf(partitions.keySet()));
    }

    int size() {
        return size;
    }

    /** Records of this partition not yet written. */
    int size(TopicPartition partition) {
        ArrayDeque<Slot> queue = partitions.get(partition);
        return queue == null ? 0 : queue.size();
    }

    boolean isEmpty() {
        return size == 0;
    }
}

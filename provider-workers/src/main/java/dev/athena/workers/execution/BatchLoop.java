package dev.athena.workers.execution;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.topic.TransactionCommit;
import dev.athena.workers.metrics.WorkerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume-execute-produce loop. Design notes:
 * <ul>
 * <li>One thread owns the consumer and the transactional producer and never blocks on a batch: it polls,
 * hands each batch to a virtual thread (at most {@code maxConcurrentBatches} per lane run at once, so bulk
 * never holds the slots interactive work needs), and writes what is ready. A slow batch therefore delays only
 * the later records of its own partition.</li>
 * <li>Each partition's done prefix is written in one transaction: its {@link BatchResult}s and the offsets that
 * cover them, poison records included ({@link PendingBatches}). A crash before a commit leaves nothing visible
 * to read_committed readers; the batches are redone by the next owner.</li>
 * <li>On revocation the ready prefix is committed and the rest abandoned (cancelled, redone by the new owner).
 * An aborted transaction rewinds the partitions it covered. A fenced producer means another instance owns our
 * partitions now, so the loop stops.</li>
 * <li>A bulk batch that {@link ProviderBatches} hands to a provider's batch API is acknowledged with a pending
 * record on {@link ProviderBatches#TOPIC} instead of a result, in the same transaction; {@link ProviderBatchPoller}
 * writes its result later. If the transaction aborts (or the producer is fenced, or the record is dropped with
 * its partition before it is committed), the batch is redone and submitted again, and the provider batch of the
 * failed attempt, which nobody will read, is cancelled best-effort on a virtual thread.</li>
 * <li>A result too large for its topic would abort every transaction it is in, for ever: it is replaced by
 * one that fails the batch's items ({@link ResultSize}) before it is written.</li>
 * <li>Too much pending work on a partition pauses that partition until half of it is done, so a bulk backlog
 * (waiting for its lane's slots) holds up only the partitions it is on, never the polling of interactive work
 * on the others; all of them pause only when the whole backlog reaches twice a partition's limit, which bounds
 * the memory held.</li>
 * </ul>
 */
public final class BatchLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    private static final long COMPLETION_WAIT_MS = 20;

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final BatchExecutor executor;
    private final ExecutorCompletionService<Done> completions;
    private final ExecutorService batchThreads;
    private final Semaphore interactivePermits;
    private final Semaphore bulkPermits;
    private final int maxPending;
    private final WorkerMetrics metrics;
    private final InstantSource clock;
    private final ProviderBatches providerBatches;
    private final PendingBatches pending = new PendingBatches();
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Throwable failure;

    public BatchLoop(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer, BatchExecutor executor,
            ExecutorService batchThreads, int maxConcurrentBatches, WorkerMetrics metrics, InstantSource clock) {
        this(consumer, producer, executor, batchThreads, maxConcurrentBatches, metrics, clock, null);
    }

    /** {@code providerBatches} (null for none) takes the bulk batches that may wait for a provider's batch API. */
    public BatchLoop(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer, BatchExecutor executor,
            ExecutorService batchThreads, int maxConcurrentBatches, WorkerMetrics metrics, InstantSource clock,
            ProviderBatches providerBatches) {
        this.providerBatches = providerBatches;
        this.consumer = consumer;
        this.producer = producer;
        this.executor = executor;
        this.batchThreads = batchThreads;
        this.completions = new ExecutorCompletionService<>(batchThreads);
        this.interactivePermits = new Semaphore(maxConcurrentBatches);
        this.bulkPermits = new Semaphore(maxConcurrentBatches);
        this.maxPending = maxConcurrentBatches * 8;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A finished batch: its result, or (null result) the record of its submission to a provider's batch API. */
    private record Done(PendingBatches.Slot slot, ResultSize.Sized result, ProviderBatchRecord submitted) {
    }

    @Override
    public void run() {
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(Topics.BATCHES), new Rebalance());
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(pending.isEmpty() ? IDLE_POLL : Duration.ZERO);
                records.forEach(this::start);
                collect(records.isEmpty() && !pending.isEmpty());
                commitReady();
                backpressure();
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (InterruptedException e) {
            LOG.info("worker loop interrupted; unfinished batches are left to the next owner");
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                | AuthorizationException e) {
            failure = e;
            LOG.error("worker stops: its producer can no longer write ({})", e.toString());
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("worker loop failed", e);
        } finally {
            running = false;
            cancelOrphans(pending.dropAll()); // abandoned work is redone by the next owner: nothing of it was written
            Thread.interrupted(); // an interrupt must not break the clients' clean close (leave group, abort)
            closeQuietly();
            assigned.countDown();
            stopped.countDown();
        }
    }

    private void start(ConsumerRecord<String, byte[]> record) {
        PendingBatches.Slot slot = pending.add(record);
        AnalysisBatch batch = decode(record);
        if (batch == null) {
            pending.complete(slot, null); // poison or tombstone: skipped, its offset still moves on
        } else {
            slot.running(completions.submit(() -> execute(slot, batch)));
        }
    }

    /** Takes in finished batches; waits briefly for one when there is nothing else to do. */
    private void collect(boolean wait) throws InterruptedException {
        Future<Done> next = wait ? completions.poll(COMPLETION_WAIT_MS, TimeUnit.MILLISECONDS) : completions.poll();
        while (next != null) {
            if (!next.isCancelled()) {
                try {
                    Done done = next.get();
                    // a provider batch of a partition dropped meanwhile was handed back by the drop, or cancelled
                    // by its own thread when the drop came first (Slot#submitted): nothing left to do here
                    pending.complete(done.slot(), done.result(), done.submitted());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof InterruptedException)) {
                        throw new IllegalStateException("batch execution failed", e.getCause());
                    }
                    // interrupted while stopping: its slot stays pending and is abandoned
                }
            }
            next = completions.poll();
        }
    }

    private Done execute(PendingBatches.Slot slot, AnalysisBatch batch) throws InterruptedException {
        Semaphore permits = lane(batch) == Lane.BULK ? bulkPermits : interactivePermits;
        permits.acquire();
        Instant began = clock.instant();
        try {
            if (providerBatches != null && lane(batch) == Lane.BULK) {
                java.util.Optional<ProviderBatchRecord> submitted = providerBatches.trySubmit(batch);
                if (submitted.isPresent() && !slot.submitted(submitted.get())) {
                    // its partition was given up while the provider took the batch: nobody will record it
                    cancelOrphans(List.of(submitted.get()));
                }
                if (submitted.isPresent()) {
                    metrics.batch("provider-batch", Duration.between(began, clock.instant()));
                    return new Done(slot, null, submitted.get());
                }
            }
            // a result Kafka would refuse could never be committed: it ends the batch as failed instead
            ResultSize.Sized result = ResultSize.fitting(executor.execute(batch));
            metrics.batch("processed", Duration.between(began, clock.instant()));
            return new Done(slot, result, null);
        } finally {
            permits.release();
        }
    }

    private static Lane lane(AnalysisBatch batch) {
        return batch.items().isEmpty() ? Lane.INTERACTIVE : batch.items().getFirst().request().lane();
    }

    private AnalysisBatch decode(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null; // a tombstone has nothing to execute
        }
        try {
            return Json.read(record.value(), AnalysisBatch.class);
        } catch (RuntimeException e) {
            metrics.poisonRecord();
            LOG.warn("skipping unreadable batch record {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return null;
        }
    }

    /** Writes every partition's done prefix in one transaction; an abort rewinds and drops those partitions. */
    private void commitReady() {
        PendingBatches.Ready ready = pending.takeReady();
        if (ready.isEmpty()) {
            return;
        }
        try {
            producer.beginTransaction();
            for (ResultSize.Sized result : ready.results()) {
                producer.send(new ProducerRecord<>(Topics.BATCH_RESULTS, result.batchId(), result.json()));
            }
            // acknowledged without a result: the provider batch is pending, durably, for the poller to finish
            for (ProviderBatchRecord submitted : ready.submitted()) {
                producer.send(new ProducerRecord<>(providerBatches.topic(), submitted.batch().batchId(),
                        Json.write(submitted)));
            }
            producer.sendOffsetsToTransaction(ready.offsets(), consumer.groupMetadata());
            TransactionCommit.commitWhile(producer, () -> running);
            metrics.transaction("committed");
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                | AuthorizationException e) {
            metrics.transaction("fenced");
            cancelOrphans(ready.submitted()); // the next owner redoes these batches and submits them itself
            throw e;
        } catch (KafkaException e) {
            metrics.transaction("aborted");
            LOG.warn("transaction for {} batch results aborted, redoing them: {}", ready.results().size(),
                    e.toString());
            producer.abortTransaction();
            // only once the abort went through: a pending record that might still commit is never cancelled
            cancelOrphans(ready.submitted());
            cancelOrphans(pending.drop(ready.firstOffsets().keySet()));
            Collection<TopicPartition> owned = consumer.assignment();
            ready.firstOffsets().forEach((tp, offset) -> {
                if (owned.contains(tp)) {
                    consumer.seek(tp, offset);
                }
            });
        }
    }

    /**
     * The provider accepted these batches, but their pending records will never be committed: cancelled off the
     * loop thread, best-effort (see {@link ProviderBatches#cancelOrphan}).
     */
    private void cancelOrphans(List<ProviderBatchRecord> orphans) {
        for (ProviderBatchRecord orphan : orphans) {
            try {
                batchThreads.execute(() -> providerBatches.cancelOrphan(orphan));
            } catch (RejectedExecutionException e) {
                metrics.orphan(orphan.provider(), "left");
                LOG.warn("{} batch {} for batch {} was never recorded and is left to run out: the worker is stopping",
                        orphan.provider(), orphan.providerBatchId(), orphan.batch().batchId());
            }
        }
    }

    private void backpressure() {
        Set<TopicPartition> paused = consumer.paused();
        boolean overloaded = pending.size() >= 2 * maxPending;
        boolean relieved = pending.size() <= maxPending;
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : consumer.assignment()) {
            int backlog = pending.size(tp);
            if (!paused.contains(tp) && (overloaded || backlog >= maxPending)) {
                pause.add(tp);
            } else if (paused.contains(tp) && relieved && backlog <= maxPending / 2) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** Waits until the consumer has joined its group and received an assignment (possibly empty). */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && running;
    }

    public Throwable failure() {
        return failure;
    }

    /** Asks the loop to stop and waits for it, at most {@code timeout}; unfinished batches are abandoned. */
    public boolean stop(Duration timeout) throws InterruptedException {
        running = false;
        consumer.wakeup();
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeQuietly() {
        KafkaClientsClosing.closeQuietly(consumer, producer, LOG);
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (running) {
                commitReady(); // what is done is kept; the rest goes to the next owner
            }
            cancelOrphans(pending.drop(partitions));
            LOG.debug("partitions revoked: {}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            cancelOrphans(pending.drop(partitions)); // no longer ours: nothing may be committed for them
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("batch partitions assigned: {}", partitions);
            assigned.countDown();
        }
    }
}

package dev.athena.workers.execution;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.metrics.WorkerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
 * <li>One thread owns the consumer and the transactional producer. Each poll's records are executed (batches in
 * parallel, at most {@code maxConcurrentBatches} at once, items on virtual threads), then one transaction writes
 * one {@link BatchResult} per batch and the consumer offsets of every record polled, poison records included.
 * A crash before the commit leaves nothing visible to read_committed readers; the batches are redone.</li>
 * <li>Nothing is in flight while {@code poll} runs, so a rebalance never races with execution.</li>
 * <li>A failed transaction is aborted and the consumer rewound to the first record of the poll; a fenced
 * producer means another instance owns our partitions now, so the loop stops.</li>
 * <li>Stopping interrupts execution; the open transaction is aborted and the work is left for the next owner.</li>
 * </ul>
 */
public final class BatchLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final BatchExecutor executor;
    private final ExecutorService batchThreads;
    private final Semaphore batchPermits;
    private final WorkerMetrics metrics;
    private final InstantSource clock;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object phase = new Object();
    private volatile boolean running = true;
    private boolean executing; // guarded by phase
    private volatile Thread owner;
    private volatile Throwable failure;

    public BatchLoop(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer, BatchExecutor executor,
            ExecutorService batchThreads, int maxConcurrentBatches, WorkerMetrics metrics, InstantSource clock) {
        this.consumer = consumer;
        this.producer = producer;
        this.executor = executor;
        this.batchThreads = batchThreads;
        this.batchPermits = new Semaphore(maxConcurrentBatches);
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void run() {
        owner = Thread.currentThread();
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(Topics.BATCHES), new Rebalance());
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    handle(records);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (InterruptedException e) {
            // stop() interrupted execution: the loop ends here, the abandoned batches go to the next owner
            LOG.info("worker stopped while executing; unfinished batches are left to the next owner");
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                | AuthorizationException e) {
            failure = e;
            LOG.error("worker stops: its producer can no longer write ({})", e.toString());
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("worker loop failed", e);
        } finally {
            running = false;
            Thread.interrupted(); // a stop() interrupt must not break the clients' clean close (leave group, abort)
            closeQuietly();
            assigned.countDown();
            stopped.countDown();
        }
    }

    private void handle(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        List<ConsumerRecord<String, byte[]>> polled = new ArrayList<>();
        records.forEach(polled::add);
        List<Future<BatchResult>> pending = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : polled) {
            AnalysisBatch batch = decode(record);
            if (batch != null) {
                pending.add(submit(batch));
            }
        }
        synchronized (phase) {
            if (!running) {
                pending.forEach(f -> f.cancel(true));
                return;
            }
            executing = true;
        }
        List<BatchResult> results = new ArrayList<>();
        try {
            for (Future<BatchResult> f : pending) {
                results.add(f.get());
            }
        } catch (InterruptedException e) {
            pending.forEach(f -> f.cancel(true));
            throw e;
        } catch (ExecutionException e) {
            pending.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException("batch execution failed", e.getCause());
        }
        synchronized (phase) {
            executing = false;
            if (!running) {
                return; // stopping: the results are not written, the next owner redoes the batches
            }
        }
        commit(polled, results);
    }

    private Future<BatchResult> submit(AnalysisBatch batch) {
        return batchThreads.submit(() -> {
            batchPermits.acquire();
            Instant began = clock.instant();
            try {
                BatchResult result = executor.execute(batch);
                metrics.batch("processed", Duration.between(began, clock.instant()));
                return result;
            } finally {
                batchPermits.release();
            }
        });
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

    private void commit(List<ConsumerRecord<String, byte[]>> polled, List<BatchResult> results) {
        Map<TopicPartition, OffsetAndMetadata> offsets = nextOffsets(polled);
        try {
            producer.beginTransaction();
            for (BatchResult result : results) {
                producer.send(new ProducerRecord<>(Topics.BATCH_RESULTS, result.batchId(), Json.write(result)));
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            metrics.transaction("committed");
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                | AuthorizationException e) {
            metrics.transaction("fenced");
            throw e;
        } catch (KafkaException e) {
            metrics.transaction("aborted");
            LOG.warn("transaction for {} batch results aborted, redoing them: {}", results.size(), e.toString());
            producer.abortTransaction();
            rewind(polled);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<String, byte[]>> polled) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : polled) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    private void rewind(List<ConsumerRecord<String, byte[]>> polled) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : polled) {
            first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        Collection<TopicPartition> owned = consumer.assignment();
        first.forEach((tp, offset) -> {
            if (owned.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
    }

    /** Waits until the consumer has joined its group and received an assignment (possibly empty). */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && running;
    }

    public Throwable failure() {
        return failure;
    }

    /** Asks the loop to stop and waits for it, at most {@code timeout}. */
    public boolean stop(Duration timeout) throws InterruptedException {
        synchronized (phase) {
            running = false;
            Thread thread = owner;
            if (executing && thread != null) {
                thread.interrupt(); // abandon execution; never interrupt a commit
            }
        }
        consumer.wakeup();
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeQuietly() {
        try {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.debug("consumer close failed", e);
        }
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("producer close failed", e);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            LOG.debug("partitions revoked: {}", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("batch partitions assigned: {}", partitions);
            assigned.countDown();
        }
    }
}

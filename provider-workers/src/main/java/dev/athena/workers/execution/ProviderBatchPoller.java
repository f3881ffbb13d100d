package dev.athena.workers.execution;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.topic.TransactionCommit;
import dev.athena.workers.metrics.WorkerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * Polls the provider batches this worker owns until they end, then writes each one's {@link BatchResult} and
 * the tombstone of its pending record in one transaction. What is pending lives only on
 * {@link ProviderBatches#TOPIC}: this consumer's group shares its partitions among the instances, and every
 * assignment is re-read from the beginning (offsets are never committed), so a restarted or new owner picks up
 * the pending batches and resumes polling them; nothing is submitted again. Providers are asked only once the
 * assigned partitions have been read to their end, so a batch whose tombstone is already written is never
 * finished twice.
 *
 * <p>Fencing: an instance that stops calling {@code poll} for longer than {@code max.poll.interval.ms} (a slow
 * provider, many batches due at once) drops out of the group, and the next owner finishes its batches while it
 * still believes it owns them. Each finishing transaction therefore carries this consumer's group metadata
 * (generation and member id, kept until the consumer rejoins): the group coordinator refuses the former owner's
 * offsets, its transaction is aborted (counted {@code fenced}) and only the new owner's result becomes visible.
 */
public final class ProviderBatchPoller implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderBatchPoller.class);
    private static final Duration CONSUMER_POLL = Duration.ofMillis(200);

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final ProviderBatches batches;
    private final Duration interval;
    private final InstantSource clock;
    private final WorkerMetrics metrics;
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> readTo = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Throwable failure;

    private static final class Tracked {
        private final ProviderBatchRecord record;
        private final TopicPartition partition;
        private Instant due;

        private Tracked(ProviderBatchRecord record, TopicPartition partition, Instant due) {
            this.record = record;
            this.partition = partition;
            this.due = due;
        }
    }

    public ProviderBatchPoller(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer,
            ProviderBatches batches, Duration interval, InstantSource clock, WorkerMetrics metrics) {
        this.metrics = metrics;
        this.consumer = consumer;
        this.producer = producer;
        this.batches = batches;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(batches.topic()), new Rebalance());
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(CONSUMER_POLL)) {
                    take(record);
                }
                if (caughtUp()) {
                    pollDue();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (InterruptedException e) {
            LOG.info("provider batch poller interrupted; pending batches stay on {}", batches.topic());
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                | AuthorizationException e) {
            failure = e;
            LOG.error("provider batch poller stops: its producer can no longer write ({})", e.toString());
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("provider batch poller failed", e);
        } finally {
            running = false;
            Thread.interrupted();
            KafkaClientsClosing.closeQuietly(consumer, producer, LOG);
            stopped.countDown();
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            tracked.remove(record.key());
            return;
        }
        ProviderBatchRecord pending;
        try {
            pending = Json.read(record.value(), ProviderBatchRecord.class);
        } catch (RuntimeException e) {
            LOG.warn("skipping unreadable provider batch record {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        if (pending.group().equals(batches.group())) {
            tracked.put(record.key(), new Tracked(pending, new TopicPartition(record.topic(), record.partition()),
                    clock.instant()));
        }
    }

    private boolean caughtUp() {
        for (Map.Entry<TopicPartition, Long> e : readTo.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void pollDue() throws InterruptedException {
        Instant now = clock.instant();
        for (Tracked t : List.copyOf(tracked.values())) {
            if (!running) {
                return;
            }
            if (t.due.isAfter(now)) {
                continue;
            }
            Optional<BatchResult> result = batches.poll(t.record);
            if (result.isEmpty()) {
                t.due = clock.instant().plus(interval);
            } else if (write(t, ResultSize.fitting(result.get()))) {
                tracked.remove(t.record.batch().batchId());
            } else {
                t.due = clock.instant().plus(interval);
            }
        }
    }

    private boolean write(Tracked t, ResultSize.Sized result) {
        String batchId = t.record.batch().batchId();
        if (!consumer.assignment().contains(t.partition)) {
            return false;
        }
        try {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.BATCH_RESULTS, batchId, result.json()));
            producer.send(new ProducerRecord<>(batches.topic(), batchId, null));
            // The offsets themselves are never read back (every assignment starts from the beginning); they are
            // sent so the group coordinator fences this transaction if a rebalance gave the partition to another
            // instance meanwhile: the batch then gets its one result from the new owner only.
            producer.sendOffsetsToTransaction(Map.of(t.partition, new OffsetAndMetadata(consumer.position(t.partition))),
                    consumer.groupMetadata());
            TransactionCommit.commitWhile(producer, () -> running);
            metrics.providerBatchTransaction("committed");
            LOG.info("batch {} finished from {}'s batch {}", batchId, t.record.provider(), t.record.providerBatchId());
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                | AuthorizationException e) {
            metrics.providerBatchTransaction("fenced");
            throw e;
        } catch (KafkaException e) {
            producer.abortTransaction();
            if (staleMember(e)) {
                // the group moved on without us: the next poll gives the partition up, its new owner writes
                metrics.providerBatchTransaction("fenced");
                LOG.warn("result of batch {} not written: this poller no longer owns {} ({})", batchId, t.partition,
                        e.toString());
            } else {
                metrics.providerBatchTransaction("aborted");
                LOG.warn("writing the result of batch {} failed, trying again later: {}", batchId, e.toString());
            }
            return false;
        }
    }

    /** The coordinator refused our offsets: our generation or member id is no longer the group's. */
    private static boolean staleMember(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CommitFailedException) {
                return true;
            }
        }
        return false;
    }

    /** Why the poller stopped on its own; null while it runs or when it was asked to stop. */
    public Throwable failure() {
        return failure;
    }

    /** Asks the poller to stop and waits for it, at most {@code timeout}; pending batches stay pending. */
    public boolean stop(Duration timeout) throws InterruptedException {
        running = false;
        consumer.wakeup();
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            consumer.seekToBeginning(partitions);
            readTo.putAll(consumer.endOffsets(partitions));
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            tracked.values().removeIf(t -> partitions.contains(t.partition));
            partitions.forEach(readTo::remove);
        }
    }
}

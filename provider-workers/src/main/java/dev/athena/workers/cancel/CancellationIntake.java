package dev.athena.workers.cancel;

import dev.athena.schemas.cancel.CancellationDecoder;
import dev.athena.schemas.message.AnalysisCancellation;
import dev.athena.schemas.topic.DeadLetterHeaders;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.Rejection;
import dev.athena.workers.execution.KafkaClientsClosing;
import dev.athena.workers.metrics.WorkerMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the cancellations Kafka clients write to {@link Topics#CANCELLATIONS} and records each where the workers
 * look before they ask a provider, as the gateway does for a {@code DELETE} ({@link CancellationRecorder}).
 *
 * <p>Design notes:
 * <ul>
 * <li>At least once: a partition's offset is committed only past records that were recorded or dead-lettered.
 * Recording a cancellation twice changes nothing.</li>
 * <li>A record that breaks the contract ({@link CancellationDecoder}) goes to {@link Topics#REQUESTS_DLQ} as it
 * came, with the reason and its source in {@link DeadLetterHeaders}: no result is owed for it, since a
 * cancellation is not a request.</li>
 * <li>While Redis (or the DLQ) refuses, the loop rewinds every partition to its first record not handled and tries
 * again after a pause that doubles up to {@link #MAX_BACK_OFF}: nothing is skipped. A cancellation held back that
 * way may come too late for its request, which then gets its answer, as when the gateway cannot record one.</li>
 * </ul>
 */
public final class CancellationIntake implements Runnable {
    static final Duration POLL = Duration.ofMillis(500);
    static final Duration FIRST_BACK_OFF = Duration.ofMillis(250);
    static final Duration MAX_BACK_OFF = Duration.ofSeconds(30);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(CancellationIntake.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> deadLetters;
    private final CancellationRecorder recorder;
    private final WorkerMetrics metrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch stopAsked = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Throwable failure;

    public CancellationIntake(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> deadLetters,
            CancellationRecorder recorder, WorkerMetrics metrics) {
        this.consumer = consumer;
        this.deadLetters = deadLetters;
        this.recorder = recorder;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.CANCELLATIONS));
            Duration backOff = Duration.ZERO;
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                RuntimeException refused = handleAll(records);
                if (refused == null) {
                    backOff = Duration.ZERO;
                    continue;
                }
                backOff = backOff.isZero() ? FIRST_BACK_OFF : min(backOff.multipliedBy(2), MAX_BACK_OFF);
                LOG.warn("cannot record cancellations ({}); trying again in {} ms", refused.toString(),
                        backOff.toMillis());
                stopAsked.await(backOff.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("cancellation intake failed", e);
        } finally {
            running = false;
            closeQuietly();
            stopped.countDown();
        }
    }

    /**
     * Handles a poll's records in order and commits past those handled; on the first one that cannot be handled,
     * rewinds each partition of the poll to its first record not handled and returns why.
     */
    private RuntimeException handleAll(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
        RuntimeException refused = null;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                handle(record);
            } catch (RuntimeException e) {
                refused = e;
                break;
            }
            handled.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
        }
        if (!handled.isEmpty()) {
            try {
                consumer.commitSync(handled);
            } catch (CommitFailedException | RebalanceInProgressException e) {
                // the group is moving partitions: whoever holds them next reads the handled records again and
                // records the same cancellations again, harmlessly
                LOG.info("cancellations' offsets not committed, the group is rebalancing: {}", e.toString());
            }
        }
        if (refused != null) {
            Set<TopicPartition> held = consumer.assignment();
            for (TopicPartition partition : records.partitions()) {
                if (!held.contains(partition)) {
                    continue; // its next owner starts from the last commit, before what was not handled
                }
                OffsetAndMetadata next = handled.get(partition);
                consumer.seek(partition, next != null ? next.offset()
                        : records.records(partition).getFirst().offset());
            }
        }
        return refused;
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        switch (CancellationDecoder.decode(record.value())) {
            case CancellationDecoder.Accepted accepted -> {
                AnalysisCancellation cancellation = accepted.cancellation();
                recorder.record(cancellation.clientId(), cancellation.requestId());
                metrics.cancellation("recorded");
            }
            case CancellationDecoder.Refused refused -> {
                deadLetter(record, refused.rejection());
                metrics.cancellation("refused");
            }
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Rejection rejection) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        put(headers, DeadLetterHeaders.ERROR_CODE, rejection.reason().name());
        put(headers, DeadLetterHeaders.ERROR_MESSAGE, rejection.message());
        put(headers, DeadLetterHeaders.SOURCE_TOPIC, record.topic());
        put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(record.partition()));
        put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(record.offset()));
        try {
            // the DLQ takes records eight times as large as this topic does: it never needs cutting to fit
            deadLetters.send(new ProducerRecord<>(Topics.REQUESTS_DLQ, null, record.timestamp(), record.key(),
                    record.value(), headers)).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the DLQ did not take a refused cancellation: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a dead letter", e);
        }
        LOG.info("cancellation at {}-{}@{} refused: {}", record.topic(), record.partition(), record.offset(),
                rejection.message());
    }

    private static void put(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Why the loop stopped on its own; null while it runs or when it was asked to stop. */
    public Throwable failure() {
        return failure;
    }

    /** Asks the loop to stop and waits up to {@code timeout}; false if it has not stopped by then. */
    public boolean stop(Duration timeout) throws InterruptedException {
        running = false;
        stopAsked.countDown();
        consumer.wakeup();
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeQuietly() {
        KafkaClientsClosing.closeQuietly(consumer, deadLetters, LOG);
    }
}

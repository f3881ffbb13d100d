package dev.athena.workers.cancel;

import dev.athena.schemas.cancel.CancellationDecoder;
import dev.athena.schemas.message.AnalysisCancellation;
import dev.athena.schemas.topic.DeadLetterHeaders;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.Rejection;
import dev.athena.schemas.validation.RejectionLog;
import dev.athena.workers.execution.KafkaClientsClosing;
import dev.athena.workers.metrics.WorkerMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * cancellation is not a request. A poll's dead letters are sent together and awaited before its commit, not one
 * round trip each, so a flood of broken records does not hold back the good ones behind it for long; a partition
 * whose dead letter the DLQ did not take is handled only up to that record, and read again from there (the dead
 * letters after it in that partition may then be written twice). The log tells the first refusal at once and then
 * counts them ({@link RejectionLog}): each is on the DLQ and in a meter already.</li>
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
    private final RejectionLog refusals = new RejectionLog(LOG, "cancellation of request", RejectionLog.EVERY,
            System::currentTimeMillis);
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
                refusals.tick();
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
            refusals.flush();
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
        List<SentDeadLetter> sent = new ArrayList<>();
        RuntimeException refused = null;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                Future<RecordMetadata> deadLetter = handle(record);
                if (deadLetter != null) {
                    sent.add(new SentDeadLetter(record, deadLetter));
                }
            } catch (RuntimeException e) {
                refused = e;
                break;
            }
            handled.put(partition(record), new OffsetAndMetadata(record.offset() + 1));
        }
        RuntimeException undelivered = awaitDeadLetters(sent, handled);
        if (refused == null) {
            refused = undelivered;
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

    /**
     * Waits, up to {@link #SEND_TIMEOUT} in all, for the dead letters of a poll; a partition whose dead letter was
     * not taken counts as handled only up to that record. Returns why, for the first one not taken.
     */
    private RuntimeException awaitDeadLetters(List<SentDeadLetter> sent,
            Map<TopicPartition, OffsetAndMetadata> handled) {
        long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
        Set<TopicPartition> cut = new HashSet<>();
        RuntimeException first = null;
        for (SentDeadLetter letter : sent) {
            TopicPartition partition = partition(letter.record());
            if (cut.contains(partition)) {
                continue;
            }
            try {
                letter.sent().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                continue;
            } catch (ExecutionException | TimeoutException e) {
                if (first == null) {
                    first = new IllegalStateException("the DLQ did not take a refused cancellation: " + e, e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the letters after it are cut too: get() throws at once now
                if (first == null) {
                    first = new IllegalStateException("interrupted while writing dead letters", e);
                }
            }
            cut.add(partition);
            handled.put(partition, new OffsetAndMetadata(letter.record().offset()));
        }
        return first;
    }

    /** Records a cancellation, or sends a broken record to the DLQ and returns that send (null otherwise). */
    private Future<RecordMetadata> handle(ConsumerRecord<byte[], byte[]> record) {
        switch (CancellationDecoder.decode(record.value())) {
            case CancellationDecoder.Accepted accepted -> {
                AnalysisCancellation cancellation = accepted.cancellation();
                recorder.record(cancellation.clientId(), cancellation.requestId());
                metrics.cancellation("recorded");
                return null;
            }
            case CancellationDecoder.Refused refused -> {
                metrics.cancellation("refused");
                refusals.rejected(refused.rejection());
                return deadLetter(record, refused.rejection());
            }
        }
    }

    private Future<RecordMetadata> deadLetter(ConsumerRecord<byte[], byte[]> record, Rejection rejection) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        put(headers, DeadLetterHeaders.ERROR_CODE, rejection.reason().name());
        put(headers, DeadLetterHeaders.ERROR_MESSAGE, rejection.message());
        put(headers, DeadLetterHeaders.SOURCE_TOPIC, record.topic());
        put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(record.partition()));
        put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(record.offset()));
        // the DLQ takes records eight times as large as this topic does: it never needs cutting to fit
        return deadLetters.send(new ProducerRecord<>(Topics.REQUESTS_DLQ, null, record.timestamp(), record.key(),
                record.value(), headers));
    }

    private static TopicPartition partition(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
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

    private record SentDeadLetter(ConsumerRecord<byte[], byte[]> record, Future<RecordMetadata> sent) {
    }

    private void closeQuietly() {
        KafkaClientsClosing.closeQuietly(consumer, deadLetters, LOG);
    }
}

package dev.athena.splitter.store;

import dev.athena.splitter.delivery.KafkaConfigs;
import dev.athena.splitter.fanout.Delivery;
import dev.athena.splitter.fanout.FanOut;
import dev.athena.splitter.fanout.SplitBatch;
import dev.athena.splitter.metrics.SplitterMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes results to PostgreSQL off the hot path. It reads the same committed BatchResults as the delivery path,
 * on a consumer group of its own, and commits its offsets only after the rows are committed in PostgreSQL: Kafka
 * itself is the bounded, durable queue in front of the writer, so a PostgreSQL outage grows this group's lag
 * (visible in {@code athena.splitter.persistence.lag}) but never blocks delivery, and a crash loses nothing.
 *
 * <p>Design notes: one thread owns the consumer. While the database is down it holds the rows it has, pauses
 * its partitions and keeps polling (so the group does not evict it), backing off from 250 ms to 10 s. Rows are
 * upserts by requestId, so replays after a crash or a rebalance never duplicate. Only outages are retried: a row
 * whose data PostgreSQL refuses would fail every retry, so the store skips it (counted in
 * {@code athena.splitter.persistence.refused}) and the rows after it are written.
 */
public final class PersistenceLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PersistenceLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String inputTopic;
    private final DataSource dataSource;
    private final JdbcResultStore store;
    private final SplitterMetrics metrics;
    private final Clock clock;
    private final CountDownLatch joined = new CountDownLatch(1);
    private final AtomicLong pendingRows = new AtomicLong();
    private final AtomicLong oldestPendingMillis = new AtomicLong();
    private volatile boolean running = true;
    private volatile long stopDeadline = Long.MAX_VALUE;
    private volatile boolean migrated;
    private boolean paused;

    public PersistenceLoop(Map<String, Object> consumerConfig, String inputTopic, DataSource dataSource,
            boolean alreadyMigrated, SplitterMetrics metrics, Clock clock) {
        this.consumer = new KafkaConsumer<>(consumerConfig);
        this.inputTopic = inputTopic;
        this.dataSource = dataSource;
        this.store = new JdbcResultStore(dataSource);
        this.metrics = metrics;
        this.clock = clock;
        this.migrated = alreadyMigrated;
        metrics.persistencePending(pendingRows::get);
        metrics.persistenceLag(this::lagSeconds);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(inputTopic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // uncommitted rows are re-read by the next owner and upserted: nothing to hand over
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (paused) {
                        consumer.pause(partitions);
                    }
                    joined.countDown();
                }
            });
            boolean caughtUp = true;
            while (running && caughtUp) {
                caughtUp = persist(consumer.poll(POLL));
            }
            if (caughtUp) {
                drain();
            }
        } catch (WakeupException e) {
            // close() asked us to stop without draining
        } catch (RuntimeException e) {
            LOG.error("persistence loop stopped; rows will be written by the next owner of its partitions", e);
        } finally {
            try {
                consumer.close(KafkaConfigs.leaveGroup(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.warn("closing store consumer: {}", e.toString());
            }
        }
    }

    /**
     * Writes what was read, retrying with back-off until it succeeds or the stop deadline passes.
     *
     * @return false when it gave up: then no later offset may be committed, or these rows would be skipped
     */
    private boolean persist(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return true;
        }
        List<Delivery> rows = new ArrayList<>();
        long oldest = Long.MAX_VALUE;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            SplitBatch split = FanOut.split(record.value(), clock.instant());
            rows.addAll(split.deliveries());
            oldest = Math.min(oldest, record.timestamp());
        }
        pendingRows.set(rows.size());
        oldestPendingMillis.set(oldest);
        Duration backoff = FIRST_BACKOFF;
        while (!tryWrite(rows)) {
            if (System.nanoTime() > stopDeadline) {
                LOG.warn("stopping with {} rows not yet in PostgreSQL; they stay in Kafka for the next owner",
                        rows.size());
                return false;
            }
            waitPaused(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        resumeIfPaused();
        commit(records);
        pendingRows.set(0);
        oldestPendingMillis.set(0);
        return true;
    }

    private boolean tryWrite(List<Delivery> rows) {
        try {
            if (!migrated) {
                Migrations.migrate(dataSource);
                migrated = true;
            }
            WriteOutcome outcome = store.write(rows);
            metrics.rowsPersisted(outcome.stored());
            metrics.rowsRefused(outcome.refused());
            return true;
        } catch (RuntimeException e) {
            metrics.persistFailure();
            LOG.warn("PostgreSQL write of {} rows failed, will retry: {}", rows.size(), e.getMessage());
            return false;
        }
    }

    /** Keeps the group membership alive while waiting; nothing new is fetched because every partition is paused. */
    private void waitPaused(Duration backoff) {
        paused = true;
        consumer.pause(consumer.assignment());
        long until = System.nanoTime() + backoff.toNanos();
        while (System.nanoTime() < until && System.nanoTime() < stopDeadline) {
            ConsumerRecords<byte[], byte[]> unexpected = consumer.poll(POLL);
            rewind(unexpected);
        }
    }

    private void resumeIfPaused() {
        if (paused) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    /** Records fetched before a pause took effect are read again later rather than dropped. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
            consumer.pause(List.of(tp));
        }
    }

    private void commit(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            var part = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
        }
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // rebalanced meanwhile: the new owner re-reads and upserts the same rows
            LOG.info("store offsets not committed ({}), rows will be upserted again", e.toString());
        }
    }

    /** On close: write what is already committed upstream, until caught up or the stop deadline passes. */
    private void drain() {
        resumeIfPaused();
        while (System.nanoTime() < stopDeadline) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            if (records.isEmpty() || !persist(records)) {
                return;
            }
        }
    }

    private double lagSeconds() {
        long oldest = oldestPendingMillis.get();
        return oldest == 0 ? 0.0 : Math.max(0, clock.millis() - oldest) / 1000.0;
    }

    public boolean awaitJoined(Duration timeout) throws InterruptedException {
        return joined.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public JdbcResultStore store() {
        return store;
    }

    /** Stops after writing what is pending (bounded); {@link #abort()} stops at once. */
    public void stop() {
        stopDeadline = System.nanoTime() + DRAIN.toNanos();
        running = false;
    }

    public void abort() {
        stopDeadline = System.nanoTime();
        running = false;
        consumer.wakeup();
    }
}

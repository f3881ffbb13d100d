package dev.athena.splitter.delivery;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.topic.TransactionCommit;
import dev.athena.splitter.cache.AnalysisCache;
import dev.athena.splitter.fanout.Delivery;
import dev.athena.splitter.fanout.FanOut;
import dev.athena.splitter.fanout.ReplyTopics;
import dev.athena.splitter.fanout.SplitBatch;
import dev.athena.splitter.metrics.SplitterMetrics;
import dev.athena.splitter.metrics.SplitterMetrics.Poison;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot path: read committed BatchResults, write one AnalysisResult per requester, commit the input offsets in
 * the same Kafka transaction. A crash before the commit aborts (or times out) the transaction, so read_committed
 * clients see neither the partial output nor a gap: the batch is split again by whoever owns the partition next.
 *
 * <p>Design notes: one thread owns the consumer and the producer (neither is shared). Cache writes happen after
 * the commit and never block (see TieredCache). Persistence is not here at all: it reads the same committed input
 * on its own consumer group, so PostgreSQL can neither slow nor lose a delivery.
 */
public final class DeliveryLoop implements Runnable {
    /** The largest result value sent: the topics' record limit, less room for key, headers and batch framing. */
    static final int MAX_RESULT_BYTES = Topics.MAX_RECORD_BYTES - 64 * 1024;
    /** Room for a result record's key (a request id), headers (client id, traceparent) and batch framing. */
    static final int RECORD_FRAMING_BYTES = 2 * 1024;
    public static final String CLIENT_ID_HEADER = "athena-client-id";
    public static final String TRACEPARENT_HEADER = "traceparent";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** How long a reply topic, once seen, is sent to before asking Kafka again whether it still exists. */
    public static final Duration REPLY_TOPIC_RECHECK = Duration.ofSeconds(10);
    /** Reply topics remembered (seen, or found deleted): scans make one each, so the oldest are let go. */
    private static final int REMEMBERED_REPLY_TOPICS = 10_000;

    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private final String inputTopic;
    private final TopicProvisioner provisioner;
    private final AnalysisCache cache;
    private final SplitterMetrics metrics;
    private final Clock clock;
    private final CountDownLatch joined = new CountDownLatch(1);
    /** Reply topics (not a client's default topic) sent to, and when they were last known to exist. */
    private final Map<String, Instant> replyTopicsSeen = lru();
    /** Reply topics found deleted after they were used: their late results go to the client's default topic. */
    private final Set<String> replyTopicsGone = Collections.newSetFromMap(lru());
    private volatile boolean running = true;
    private volatile boolean failed;

    public DeliveryLoop(Map<String, Object> consumerConfig, Map<String, Object> producerConfig, String inputTopic,
            TopicProvisioner provisioner, AnalysisCache cache, SplitterMetrics metrics, Clock clock) {
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.producerConfig = Map.copyOf(producerConfig);
        this.inputTopic = inputTopic;
        this.provisioner = provisioner;
        this.cache = cache;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Runs until stopped or fenced. A producer that reaches a fatal state (other than being fenced by a newer
     * instance) is replaced, with a fresh consumer that resumes from the committed offsets: the new producer's
     * {@code initTransactions} aborts whatever the old one left open, so nothing is delivered twice.
     */
    @Override
    public void run() {
        while (running) {
            try {
                consumer = new KafkaConsumer<>(consumerConfig);
                producer = new KafkaProducer<>(producerConfig);
                producer.initTransactions();
                consumer.subscribe(List.of(inputTopic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        // offsets are committed inside each transaction, before the next poll: nothing is pending
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        LOG.info("delivery assigned {} partitions of {}", partitions.size(), inputTopic);
                        joined.countDown();
                    }
                });
                while (running) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                    if (!records.isEmpty()) {
                        metrics.transactionTimer().record(() -> process(records));
                    }
                }
            } catch (WakeupException e) {
                // close() asked us to stop
            } catch (ProducerFencedException e) {
                failed = true;
                running = false;
                LOG.error("another instance took over transactional id; this one stops delivering: {}", e.toString());
            } catch (RuntimeException e) {
                LOG.error("delivery clients failed, replacing them", e);
                metrics.transactionAborted();
            } finally {
                closeClients();
            }
            if (running) {
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private void process(ConsumerRecords<byte[], byte[]> records) {
        List<ItemResult> committedItems = new ArrayList<>();
        List<Delivery> delivered = new ArrayList<>();
        Set<String> topics = new HashSet<>();
        producer.beginTransaction();
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                SplitBatch split = FanOut.split(record.value(), clock.instant());
                if (split.isPoison()) {
                    metrics.poison(Poison.RECORD);
                    LOG.warn("skipping unreadable batch result at {}-{}@{}: {}", record.topic(), record.partition(),
                            record.offset(), split.problems());
                    continue;
                }
                split.problems().forEach(p -> {
                    metrics.poison(p.kind() == SplitBatch.Problem.Kind.REQUESTER ? Poison.REQUESTER : Poison.ITEM);
                    LOG.warn("skipping part of batch result at {}-{}@{}: {}", record.topic(), record.partition(),
                            record.offset(), p);
                });
                for (Delivery delivery : split.deliveries()) {
                    if (send(delivery, topics)) {
                        delivered.add(delivery);
                    }
                }
                committedItems.addAll(split.items());
            }
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            TransactionCommit.commitWhile(producer, () -> running);
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                | UnsupportedVersionException | AuthorizationException e) {
            forget(topics);
            throw e;
        } catch (KafkaException | IllegalStateException e) {
            forget(topics);
            abortAndRewind(e);
            return;
        }
        metrics.transactionCommitted();
        for (Delivery delivery : delivered) {
            metrics.result(delivery.result().status());
        }
        metrics.batch();
        committedItems.forEach(cache::put);
    }

    /**
     * Produces one result. A reply topic that Kafka refuses for good (a name that collides with an existing topic,
     * such as {@code a.b} beside {@code a_b}, or no permission) falls back to the client's default topic; when that
     * is refused too the requester is skipped and counted, so one unaddressable client cannot stall the partition.
     * Its row still reaches PostgreSQL, where the gateway can serve it.
     *
     * @return whether the result was sent
     */
    private boolean send(Delivery delivery, Set<String> topics) {
        String topic = live(delivery);
        topics.add(topic);
        if (!provisioned(topic, delivery.clientId())) {
            String fallback = Topics.resultsTopicName(delivery.clientId());
            topics.add(fallback);
            if (topic.equals(fallback) || !provisioned(fallback, delivery.clientId())) {
                metrics.poison(Poison.REQUESTER);
                LOG.error("no result topic can be created for client {} (request {}); result kept in PostgreSQL only",
                        delivery.clientId(), delivery.requestId());
                return false;
            }
            topic = fallback;
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(CLIENT_ID_HEADER, delivery.clientId().getBytes(StandardCharsets.UTF_8));
        if (delivery.traceparent() != null) {
            headers.add(TRACEPARENT_HEADER, delivery.traceparent().getBytes(StandardCharsets.UTF_8));
        }
        byte[] whole = Json.write(delivery.result());
        int maxBytes = maxResultBytes(topic);
        ResultFit.Fitted fitted = ResultFit.fit(delivery.result(), whole, maxBytes, topic);
        if (fitted == null) {
            metrics.poison(Poison.REQUESTER);
            LOG.error("result of request {} of client {} takes {} bytes and does not fit the {} a record of {} may "
                    + "take even without its findings; kept in PostgreSQL only", delivery.requestId(),
                    delivery.clientId(), whole.length, maxBytes, topic);
            return false;
        }
        if (fitted.cut()) {
            metrics.truncated();
            LOG.warn("result of request {} of client {} takes {} bytes, over the {} a record of {} may take: sent "
                    + "with {} of its {} findings; kept whole in PostgreSQL", delivery.requestId(), delivery.clientId(),
                    whole.length, maxBytes, topic, fitted.findingsKept(), delivery.result().findings().size());
        }
        producer.send(new ProducerRecord<>(topic, null, delivery.requestId().getBytes(StandardCharsets.UTF_8),
                fitted.value(), headers));
        return true;
    }

    /**
     * The largest result value {@code topic} takes: its {@code max.message.bytes} as last ensured (a topic Kafka
     * would not let the provisioner raise keeps its own), less room for the key, the headers and the record
     * batch's framing, which the broker counts too; never more than the pipeline's own limit.
     */
    private int maxResultBytes(String topic) {
        OptionalInt limit = provisioner.recordLimit(topic);
        return limit.isPresent() ? Math.min(MAX_RESULT_BYTES, limit.getAsInt() - RECORD_FRAMING_BYTES)
                : MAX_RESULT_BYTES;
    }

    /**
     * The requester's topic, unless it is a reply topic deleted since this instance last sent to it (a scan
     * deletes its own when it ends, and later ones delete those of scans that ended with results pending): its
     * late results then go to the client's default topic. Sending to it would wait for its metadata for
     * max.block.ms and fail the transaction, holding up every client of the partition for half a minute or more.
     * A reply topic not seen before is ensured (created if missing) as any topic.
     */
    private String live(Delivery delivery) {
        String topic = delivery.topic();
        String clientTopic = Topics.resultsTopicName(delivery.clientId());
        if (topic.equals(clientTopic)) {
            return topic;
        }
        if (replyTopicsGone.contains(topic)) {
            return clientTopic;
        }
        Instant now = clock.instant();
        Instant seen = replyTopicsSeen.get(topic);
        if (seen != null && now.isBefore(seen.plus(REPLY_TOPIC_RECHECK))) {
            return topic;
        }
        if (seen != null && !provisioner.exists(topic)) {
            replyTopicsSeen.remove(topic);
            replyTopicsGone.add(topic);
            provisioner.forget(topic);
            LOG.info("reply topic {} was deleted (its scan ended); its late results go to {}", topic, clientTopic);
            return clientTopic;
        }
        replyTopicsSeen.put(topic, now);
        return topic;
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > REMEMBERED_REPLY_TOPICS;
            }
        };
    }

    /** False when Kafka refuses the topic for good; transient trouble throws, aborting the transaction. */
    private boolean provisioned(String topic, String clientId) {
        try {
            // results are cut to fit a topic that takes smaller records (ResultFit)
            provisioner.ensureAllowingSmallerRecords(ReplyTopics.specFor(topic, clientId));
            return true;
        } catch (IllegalStateException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InvalidTopicException || cause instanceof TopicAuthorizationException
                    || cause instanceof PolicyViolationException || cause instanceof InvalidConfigurationException) {
                LOG.warn("Kafka refuses topic {}: {}", topic, cause.toString());
                return false;
            }
            throw e;
        }
    }

    /**
     * The provisioner remembers every topic it made sure of. One of them may have been deleted since (the usual
     * reason for a send to block until max.block.ms and the transaction to fail), so the next attempt makes sure
     * of each topic of a failed transaction again: otherwise it would never be created again, and every retry
     * would fail the same way, stalling all the clients of the input partition.
     */
    private void forget(Set<String> topics) {
        topics.forEach(provisioner::forget);
    }

    /** Abandons the transaction and seeks back to the committed offsets, so the same records are split again. */
    private void abortAndRewind(RuntimeException cause) {
        LOG.warn("aborting transaction, input will be split again: {}", cause.toString());
        metrics.transactionAborted();
        try {
            producer.abortTransaction();
        } catch (ProducerFencedException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("abort failed: {}", e.toString());
            throw e;
        }
        var assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata offset = committed.get(tp);
            if (offset == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, offset.offset());
            }
        }
        sleepQuietly(Duration.ofMillis(500));
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> part = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
        }
        return offsets;
    }

    public boolean awaitJoined(Duration timeout) throws InterruptedException {
        return joined.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean hasFailed() {
        return failed;
    }

    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    private void closeClients() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing producer: {}", e.toString());
            }
            producer = null;
        }
        if (consumer != null) {
            try {
                consumer.close(KafkaConfigs.leaveGroup(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.warn("closing consumer: {}", e.toString());
            }
            consumer = null;
        }
    }


    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

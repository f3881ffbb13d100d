package dev.athena.ingest.client;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.message.AnalysisCancellation;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits requests of one client over Kafka, each to its lane's intake topic ({@link Topics#intakeFor}: bulk
 * requests never sit in front of interactive ones) on its cache key's partition ({@link RequestPartitions}, so
 * identical questions are coalesced), and completes a future per request when its result arrives.
 *
 * <p>Design notes: the result topic is read by a plain assigned consumer (no group), positioned at the end of
 * every partition before the first request is sent, so no result of this session can be missed and none of an
 * earlier session is replayed. One named thread polls; futures are completed on it, so callers must not block
 * inside their callbacks. A callback that throws is logged and the thread goes on; once the thread stops (on
 * {@link #close} or a consumer failure) every waiting future and every later {@link #submit} fails at once
 * rather than waiting for a result nobody will deliver. {@link #cancel} writes to {@link Topics#CANCELLATIONS}.
 */
public final class KafkaAthenaClient implements AthenaClient {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAthenaClient.class);

    private final String clientId;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, CompletableFuture<AnalysisResult>> pending = new ConcurrentHashMap<>();
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Thread poller;
    private volatile Consumer<AnalysisResult> listener = r -> { };
    private volatile boolean running = true;
    /** Set once the result consumer has stopped (closed or failed): no future can be completed any more. */
    private volatile RuntimeException stopped;

    private KafkaAthenaClient(String bootstrap, String clientId) {
        this.clientId = clientId;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin).ensureAllowingSmallerRecords(Topics.resultsFor(clientId));
        }
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.CLIENT_ID_CONFIG, "athena-client-" + clientId),
                new StringSerializer(), new ByteArraySerializer());
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "athena-client-results-" + clientId),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.poller = Thread.ofPlatform().name("athena-client-" + clientId).daemon().unstarted(this::pollLoop);
    }

    /** Connects as {@code clientId}; returns once the result topic is being followed from its current end. */
    public static KafkaAthenaClient connect(String bootstrap, String clientId) {
        KafkaAthenaClient client = new KafkaAthenaClient(bootstrap, clientId);
        client.poller.start();
        try {
            if (!client.positioned.await(30, TimeUnit.SECONDS)) {
                client.close();
                throw new IllegalStateException("could not follow " + Topics.resultsTopicName(clientId) + " on "
                        + bootstrap + " within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new IllegalStateException("interrupted while connecting", e);
        }
        return client;
    }

    /** Called for every result of this client, including ones no future waits for. */
    public void onResult(Consumer<AnalysisResult> newListener) {
        this.listener = Objects.requireNonNull(newListener);
    }

    /** Chunks are not delivered over this transport: {@code athena.chunks} is shared by every client. */
    @Override
    public CompletableFuture<AnalysisResult> submit(AnalysisRequest request,
            Consumer<dev.athena.schemas.message.AnalysisChunk> onChunk) {
        return submit(request);
    }

    @Override
    public CompletableFuture<AnalysisResult> submit(AnalysisRequest request) {
        if (!clientId.equals(request.clientId())) {
            throw new IllegalArgumentException("this client is '" + clientId + "' but the request is for '"
                    + request.clientId() + "'");
        }
        if (stopped != null) {
            return CompletableFuture.failedFuture(stopped);
        }
        CompletableFuture<AnalysisResult> future = pending.computeIfAbsent(request.requestId(),
                id -> new CompletableFuture<>());
        if (stopped != null) {
            // the poller stopped while this was being added: it may not have seen it
            pending.remove(request.requestId());
            future.completeExceptionally(stopped);
            return future;
        }
        ProducerRecord<String, byte[]> record;
        try {
            record = RequestPartitions.record(producer, request, Json.write(request));
        } catch (KafkaException e) {
            // as a failed send would: the caller learns it from the future
            pending.remove(request.requestId());
            future.completeExceptionally(e);
            return future;
        }
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                pending.remove(request.requestId());
                future.completeExceptionally(error);
            }
        });
        return future;
    }

    /**
     * Writes an {@link AnalysisCancellation} to {@link Topics#CANCELLATIONS}, where the provider workers read it
     * ({@link AthenaClient#cancel}); true once the broker has it.
     */
    @Override
    public CompletableFuture<Boolean> cancel(String requestId) {
        CompletableFuture<AnalysisResult> submitted = pending.get(requestId);
        if (submitted == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "no submission of this client under request id '" + requestId + "' is waiting for its result"));
        }
        CompletableFuture<Boolean> handedOver = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(Topics.CANCELLATIONS, requestId,
                Json.write(AnalysisCancellation.of(clientId, requestId))), (metadata, error) -> {
                    if (error != null) {
                        handedOver.completeExceptionally(error);
                    } else {
                        handedOver.complete(!submitted.isDone());
                    }
                });
        return handedOver;
    }

    public void flush() {
        producer.flush();
    }

    private void pollLoop() {
        String topic = Topics.resultsTopicName(clientId);
        try {
            List<TopicPartition> partitions = resultPartitions(topic);
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            positioned.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    deliver(record);
                }
            }
            stop(new IllegalStateException("the Kafka client of " + clientId + " is closed"));
        } catch (WakeupException e) {
            stop(running ? e : new IllegalStateException("the Kafka client of " + clientId + " is closed"));
        } catch (RuntimeException e) {
            LOG.error("result consumer of {} stopped: {}", clientId, e.toString());
            stop(new IllegalStateException("the result consumer of " + clientId + " stopped: " + e, e));
        } catch (Error e) {
            // not isolated like a listener's exception, but no future may wait for ever on a dead thread either
            LOG.error("result consumer of {} stopped: {}", clientId, e.toString());
            stop(new IllegalStateException("the result consumer of " + clientId + " stopped: " + e, e));
            throw e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Every request still waiting, and every later one, fails with {@code cause}: no result can reach it now. */
    private void stop(RuntimeException cause) {
        stopped = cause;
        for (String requestId : List.copyOf(pending.keySet())) {
            CompletableFuture<AnalysisResult> future = pending.remove(requestId);
            if (future != null) {
                future.completeExceptionally(cause);
            }
        }
    }

    /**
     * The partitions of a result topic that may have been created a moment ago: until the broker's metadata
     * has it, it has none, and a consumer assigned no partitions fails its first poll.
     */
    private List<TopicPartition> resultPartitions(String topic) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<PartitionInfo> found = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (!found.isEmpty()) {
                return found.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(topic + " has no partitions after 30 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while looking up " + topic, e);
            }
        }
    }

    private void deliver(ConsumerRecord<String, byte[]> record) {
        AnalysisResult result = read(record);
        if (result == null) {
            return;
        }
        try {
            listener.accept(result);
        } catch (RuntimeException e) {
            // the caller's callback must not stop the consumer every other request depends on
            LOG.warn("result listener of {} failed on request {}: {}", clientId, result.requestId(), e.toString());
        }
        CompletableFuture<AnalysisResult> future = pending.remove(result.requestId());
        if (future != null) {
            future.complete(result);
        }
    }

    /**
     * The result a record holds, or null for one that holds none (a tombstone, the JSON literal null, a body that
     * is no result): skipped, because the topic is writable by more than the pipeline and a poison record must not
     * stop the consumer every request of this client waits on.
     */
    private static AnalysisResult read(ConsumerRecord<String, byte[]> record) {
        String problem;
        try {
            AnalysisResult result = record.value() == null ? null : Json.read(record.value(), AnalysisResult.class);
            if (result != null) {
                return result;
            }
            problem = "no result in it";
        } catch (JsonContractException e) {
            problem = e.getMessage();
        }
        LOG.warn("unreadable result at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), problem);
        return null;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            poller.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}

package dev.athena.ingest.gateway.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Usage;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The gateway's feed of results and chunks, on the real broker. */
@Tag("integration")
class LiveFeedIT {
    /**
     * Every new client topic makes the feed's consumer rebalance; it must carry on from where it was, not read
     * every topic again from the beginning (which would hand listeners old results a second time and fall behind).
     */
    @Test
    void shouldNotReadATopicAgainWhenAnotherTopicAppears() throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String first = "feed-a-" + run;
        String second = "feed-b-" + run;
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap), new StringSerializer(), new ByteArraySerializer());
                var feed = new LiveFeed(bootstrap, Duration.ofMillis(300)).start(Duration.ofSeconds(30))) {
            for (String client : List.of(first, second)) {
                feed.subscribe(client, "r-" + client, counting(seen));
            }
            admin.createTopics(List.of(new NewTopic(Topics.resultsTopicName(first), 1, (short) 1))).all().get();
            send(producer, first);
            awaitCount(seen, "r-" + first, 1);

            admin.createTopics(List.of(new NewTopic(Topics.resultsTopicName(second), 1, (short) 1))).all().get();
            send(producer, second);
            awaitCount(seen, "r-" + second, 1);
            // a further metadata refresh or two, for any late rebalance to show
            Thread.sleep(1_000);

            assertThat(seen.get("r-" + first).get()).as("results of the first topic handed over").isEqualTo(1);
            assertThat(feed.recentResult(second, "r-" + second)).isNotNull();
        }
    }

    /**
     * Request ids are each client's own: a watcher of one client's request must not be handed another client's
     * chunks or result under the same id (nor a chunk that does not say whose it is).
     */
    @Test
    void shouldKeepChunksAndResultsOfTwoClientsUnderOneRequestIdApart() throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String first = "feed-c-" + run;
        String second = "feed-d-" + run;
        String id = "shared-" + run;
        Map<String, List<String>> heard = new ConcurrentHashMap<>();
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap), new StringSerializer(), new ByteArraySerializer());
                var feed = new LiveFeed(bootstrap, Duration.ofMillis(300)).start(Duration.ofSeconds(30))) {
            admin.createTopics(List.of(new NewTopic(Topics.resultsTopicName(first), 1, (short) 1),
                    new NewTopic(Topics.resultsTopicName(second), 1, (short) 1))).all().get();
            for (String client : List.of(first, second)) {
                feed.subscribe(client, id, recording(heard.computeIfAbsent(client,
                        c -> new java.util.concurrent.CopyOnWriteArrayList<>())));
            }
            sendChunk(producer, id, first, 0, "first's text");
            sendChunk(producer, id, second, 0, "second's text");
            sendChunk(producer, id, null, 1, "nobody's text");
            send(producer, second, id);
            send(producer, first, id);
            awaitHeard(heard, first, 2);
            awaitHeard(heard, second, 2);
            Thread.sleep(500);

            assertThat(heard.get(first)).containsExactly("chunk 0 first's text", "result " + first);
            assertThat(heard.get(second)).containsExactly("chunk 0 second's text", "result " + second);
            assertThat(feed.chunksOf(first, id)).extracting(AnalysisChunk::delta).containsExactly("first's text");
            assertThat(feed.recentResult(first, id).clientId()).isEqualTo(first);
            assertThat(feed.recentResult(second, id).clientId()).isEqualTo(second);
        }
    }

    private static FeedListener recording(List<String> heard) {
        return new FeedListener() {
            @Override
            public void onChunk(AnalysisChunk chunk) {
                heard.add("chunk " + chunk.sequence() + " " + chunk.delta());
            }

            @Override
            public void onResult(AnalysisResult result) {
                heard.add("result " + result.clientId());
            }
        };
    }

    private static void sendChunk(KafkaProducer<String, byte[]> producer, String id, String client, long sequence,
            String delta) throws Exception {
        var record = new ProducerRecord<>(Topics.CHUNKS, id, Json.write(new AnalysisChunk(SchemaVersion.CURRENT, id,
                sequence, delta, false)));
        if (client != null) {
            record.headers().add(RequestPartitions.CLIENT_ID_HEADER, client.getBytes(StandardCharsets.UTF_8));
        }
        producer.send(record).get();
    }

    private static void awaitHeard(Map<String, List<String>> heard, String client, int count)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline) && heard.get(client).size() < count) {
            Thread.sleep(50);
        }
        assertThat(heard.get(client)).as(client).hasSizeGreaterThanOrEqualTo(count);
    }

    private static FeedListener counting(Map<String, AtomicInteger> seen) {
        return new FeedListener() {
            @Override
            public void onChunk(AnalysisChunk chunk) {
            }

            @Override
            public void onResult(AnalysisResult result) {
                seen.computeIfAbsent(result.requestId(), id -> new AtomicInteger()).incrementAndGet();
            }
        };
    }

    private static void send(KafkaProducer<String, byte[]> producer, String client) throws Exception {
        send(producer, client, "r-" + client);
    }

    private static void send(KafkaProducer<String, byte[]> producer, String client, String requestId)
            throws Exception {
        AnalysisResult result = new AnalysisResult(SchemaVersion.CURRENT, requestId, client,
                ResultStatus.COMPLETED, List.of(), "no findings", ServedBy.of("builtin", "rules-1"), false,
                "b-" + client, Usage.NONE, null, Instant.now());
        producer.send(new ProducerRecord<>(Topics.resultsTopicName(client), result.requestId(), Json.write(result)))
                .get();
    }

    private static void awaitCount(Map<String, AtomicInteger> seen, String requestId, int count)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)
                && seen.getOrDefault(requestId, new AtomicInteger()).get() < count) {
            Thread.sleep(50);
        }
        assertThat(seen.getOrDefault(requestId, new AtomicInteger()).get()).as(requestId).isEqualTo(count);
    }
}

package dev.athena.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.collector.ops.CollectorHealth;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ops.OpsRegistry;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import dev.athena.ops.OpsEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class BatchCollectorIT {
    @TempDir
    Path stateDir;

    @Test
    void shouldTurnRawJsonRequestIntoCommittedBatch() {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String requestId = "it-" + run;
        String clientId = "collector-it-" + run;
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir)
                .withApplicationId("collector-it-" + run);
        String json = "{\"schemaVersion\": 1, \"requestId\": \"" + requestId + "\", \"clientId\": \"" + clientId
                + "\", \"analysisType\": \"security\", \"language\": \"python\", \"path\": \"app/db.py\","
                + " \"code\": \"def find(u):\\n    return db.execute(\\\"SELECT * FROM users WHERE name='\\\" + u)\\n\","
                + " \"lane\": \"interactive\", \"createdAt\": \"2026-11-30T10:15:00Z\"}";

        try (var collector = BatchCollector.start(settings, new SimpleMeterRegistry());
                var producer = KafkaProbe.producer(bootstrap);
                var consumer = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class)) {
            assertThat(collector.state()).isEqualTo(KafkaStreams.State.RUNNING);
            KafkaProbe.send(producer, Topics.REQUESTS, requestId, json.getBytes(StandardCharsets.UTF_8));

            List<AnalysisBatch> mine = KafkaProbe.pollUntil(consumer,
                    b -> b.items().stream().anyMatch(i -> i.request().requestId().equals(requestId)),
                    found -> !found.isEmpty(), Duration.ofSeconds(60));

            // a new application reads the whole shared input, so other tests' requests may share the batch
            assertThat(mine).singleElement().satisfies(batch -> {
                assertThat(batch.route()).isEqualTo("auto/auto/interactive");
                assertThat(batch.items()).filteredOn(i -> i.request().requestId().equals(requestId))
                        .singleElement().satisfies(item -> {
                            assertThat(item.requesters()).singleElement()
                                    .satisfies(r -> assertThat(r.clientId()).isEqualTo(clientId));
                            assertThat(item.cacheKey()).startsWith("analysis:auto:auto:security:");
                        });
            });
        }
    }

    /**
     * Two clients ask the same question: sent to its cache key's partition, as the gateway, the client library
     * and the scan job send, they become one item with both requesters; the same pair on two partitions (as a
     * producer keying by request id may send them) lands in two tasks and stays two items.
     */
    @Test
    void shouldCoalesceOneQuestionFromTwoClientsWhenSentToItsCacheKeysPartition() {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir)
                .withApplicationId("collector-coalesce-it-" + run)
                .withWindows(Duration.ofSeconds(1), Duration.ofSeconds(1));
        AnalysisRequest a1 = question("a1-" + run, "team-a", "print('" + run + " together')\n");
        AnalysisRequest b1 = question("b1-" + run, "team-b", a1.code());
        AnalysisRequest a2 = question("a2-" + run, "team-a", "print('" + run + " apart')\n");
        AnalysisRequest b2 = question("b2-" + run, "team-b", a2.code());
        int together = RequestPartitions.of(a1, 6);
        int apart = RequestPartitions.of(a2, 6);

        try (var collector = BatchCollector.start(settings, new SimpleMeterRegistry());
                var producer = KafkaProbe.producer(bootstrap);
                var consumer = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class)) {
            for (var sent : List.of(Map.entry(a1, together), Map.entry(b1, RequestPartitions.of(b1, 6)),
                    Map.entry(a2, apart), Map.entry(b2, (apart + 1) % 6))) {
                producer.send(new ProducerRecord<>(Topics.REQUESTS, sent.getValue(), sent.getKey().requestId(),
                        Json.write(sent.getKey())));
            }
            producer.flush();

            List<String> ids = List.of(a1.requestId(), b1.requestId(), a2.requestId(), b2.requestId());
            List<BatchItem> items = KafkaProbe.pollUntil(consumer,
                    b -> b.items().stream().anyMatch(i -> mentions(i, ids)), found -> requesters(found, ids) == 4,
                    Duration.ofSeconds(60)).stream().flatMap(b -> b.items().stream()).filter(i -> mentions(i, ids))
                    .toList();

            assertThat(RequestPartitions.of(b1, 6)).isEqualTo(together);
            assertThat(items).filteredOn(i -> i.request().code().equals(a1.code())).singleElement()
                    .satisfies(item -> assertThat(item.requesters()).extracting(Requester::clientId)
                            .containsExactlyInAnyOrder("team-a", "team-b"));
            assertThat(items).filteredOn(i -> i.request().code().equals(a2.code())).hasSize(2)
                    .allSatisfy(item -> assertThat(item.requesters()).hasSize(1));
        }
    }

    /**
     * Workers answer a partition's batches in order: an interactive batch must never sit behind a bulk one there.
     * Kafka's own partitioner puts both lanes' {@code auto} routes on the first half of the partitions.
     */
    @Test
    void shouldKeepInteractiveAndBulkBatchesOnPartitionsOfTheirOwn() {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir)
                .withApplicationId("collector-lanes-it-" + run);
        AnalysisRequest bulk = question("bulk-" + run, "team-a", "print('" + run + " bulk')\n");
        AnalysisRequest interactive = new AnalysisRequest(SchemaVersion.CURRENT, "interactive-" + run, "team-a",
                AnalysisType.QUALITY, "python", "a.py", "print('" + run + " interactive')\n", null, null,
                Lane.INTERACTIVE, null, null, null, Instant.now(), null);
        List<String> ids = List.of(bulk.requestId(), interactive.requestId());

        try (var collector = BatchCollector.start(settings, new SimpleMeterRegistry());
                var producer = KafkaProbe.producer(bootstrap);
                var consumer = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class)) {
            for (AnalysisRequest request : List.of(bulk, interactive)) {
                KafkaProbe.send(producer, Topics.REQUESTS, request.requestId(), Json.write(request));
            }
            Map<String, Integer> partitions = new java.util.HashMap<>();
            Instant deadline = Instant.now().plusSeconds(60);
            while (partitions.size() < 2 && Instant.now().isBefore(deadline)) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    record.value().items().stream().flatMap(i -> i.requesters().stream())
                            .filter(r -> ids.contains(r.requestId()))
                            .forEach(r -> partitions.put(r.requestId(), record.partition()));
                }
            }

            assertThat(partitions.get(interactive.requestId())).isBetween(0, 2);
            assertThat(partitions.get(bulk.requestId())).isBetween(3, 5);
        }
    }

    /**
     * On a quiet input a window must still close on the wall clock: Streams punctuates only between polls, and with
     * its default poll.ms a lone request's 50 ms window closed after 100-140 ms. The batch says when its window
     * opened and closed, by the collector's clock; the median of five lone requests leaves room for a stall.
     */
    @Test
    void shouldCloseALoneRequestsWindowOnTimeWhenNothingElseArrives() throws InterruptedException {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir)
                .withApplicationId("collector-quiet-it-" + run);
        long window = settings.interactiveWindow().toMillis();
        List<Long> spans = new java.util.ArrayList<>();

        try (var collector = BatchCollector.start(settings, new SimpleMeterRegistry());
                var producer = KafkaProbe.producer(bootstrap);
                var consumer = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class)) {
            // the first one also waits for what other tests left on the shared input: not counted
            for (int i = 0; i <= 5; i++) {
                AnalysisBatch batch = sendLone(producer, consumer, "lone-" + i + "-" + run);
                if (i > 0) {
                    spans.add(Duration.between(batch.windowStart(), batch.windowEnd()).toMillis());
                }
                Thread.sleep(150);
            }
        }

        assertThat(spans).allSatisfy(span -> assertThat(span).isGreaterThanOrEqualTo(window));
        assertThat(spans.stream().sorted().toList().get(spans.size() / 2)).as("median of %s", spans)
                .isLessThan(window + 50);
    }

    /**
     * Wall-clock punctuation makes Streams prepare a commit of every task at each commit interval: with no window
     * open the collector must not punctuate, or an idle collector prepares twenty commits a second per intake.
     */
    @Test
    void shouldNotCommitWhileNoWindowIsOpen() throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String applicationId = "collector-idle-it-" + run;
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir).withApplicationId(applicationId);

        try (var collector = BatchCollector.start(settings, new SimpleMeterRegistry());
                var producer = KafkaProbe.producer(bootstrap);
                var consumer = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class)) {
            sendLone(producer, consumer, "idle-" + run);
            Thread.sleep(500);
            double before = commits(applicationId);
            Thread.sleep(2_000);

            assertThat(commits(applicationId) - before).isZero();
        }
    }

    /**
     * A start that fails half-way closes what it had built: here the bulk intake's state directory is taken by a
     * file, so its application cannot be made after the main intake's was, with a producer and an admin client
     * whose threads run from the moment they are made.
     */
    @Test
    void shouldCloseWhatItBuiltWhenAStartFailsHalfWay() throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String applicationId = "collector-half-it-" + UUID.randomUUID().toString().substring(0, 8);
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir).withApplicationId(applicationId);
        Files.writeString(stateDir.resolve(Intake.BULK.applicationId(applicationId)), "not a directory");
        int metersThreadsBefore = threadsNamed("athena-collector-meters").size();

        assertThatThrownBy(() -> BatchCollector.start(settings, new SimpleMeterRegistry()))
                .hasMessageContaining(Intake.BULK.applicationId(applicationId));

        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((!threadsNamed(applicationId).isEmpty()
                || threadsNamed("athena-collector-meters").size() > metersThreadsBefore) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(threadsNamed(applicationId)).as("threads of the applications of a failed start").isEmpty();
        assertThat(threadsNamed("athena-collector-meters")).hasSizeLessThanOrEqualTo(metersThreadsBefore);
    }

    private static List<String> threadsNamed(String part) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.contains(part)).toList();
    }

    /**
     * What a Prometheus server and an orchestrator see of a collector running alone: its own meters and Kafka
     * Streams' (tagged by intake) on {@code /metrics}, and {@code /health} turning to 503 once it has stopped.
     */
    @Test
    void shouldServeItsOwnAndStreamsMetricsAndItsHealth() throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir)
                .withApplicationId("collector-ops-it-" + run);
        var registry = OpsRegistry.create();
        var collector = BatchCollector.start(settings, registry);
        try (var ops = OpsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), registry,
                () -> CollectorHealth.of(collector.state()), "collector");
                var http = HttpClient.newHttpClient();
                var producer = KafkaProbe.producer(bootstrap);
                var consumer = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class)) {
            sendLone(producer, consumer, "ops-" + run);
            URI base = URI.create("http://127.0.0.1:" + ops.port());

            String metrics = get(http, base.resolve("/metrics")).body();
            assertThat(metrics).containsPattern(
                    "athena_collector_requests_total\\{intake=\"athena.requests\",outcome=\"accepted\"} [1-9]");
            assertThat(metrics).containsPattern("kafka_stream_thread_commit_total\\{.*intake=\"athena.requests\"");
            assertThat(metrics).containsPattern("kafka_stream_thread_commit_total\\{.*intake=\"athena.requests.bulk\"");
            // the stores' meters of every kind, though Streams names stores under a key of their kind's own. They
            // exist once the tasks run and are bound at the binder's next refresh; a scrape during a refresh sees
            // some bound and others not yet, so every one is awaited, within less than Micrometer's default minute.
            int tasks = Topics.pipeline().stream().filter(topic -> topic.name().equals(Topics.REQUESTS)).findFirst()
                    .orElseThrow().partitions();
            List<String> storeMeters = new ArrayList<>();
            for (String store : List.of("collector-seen-ids", "collector-seen-index-position", "collector-seen-log",
                    "collector-window-items", "collector-window-waiting")) {
                for (int task = 0; task < tasks; task++) {
                    storeMeters.add("kafka_stream_state_put_latency_avg\\{intake=\"athena.requests\",[^}]*store=\""
                            + store + "\",task_id=\"0_" + task + "\"");
                }
            }
            Duration within = Duration.ofSeconds(40);
            assertThat(awaitMetrics(http, base, storeMeters, within)).as("store meters not shown within %s", within)
                    .isEmpty();
            HttpResponse<String> health = get(http, base.resolve("/health"));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("RUNNING");
            assertThat(collector.stopped()).as("no application stopped").isEmpty();

            collector.close();
            HttpResponse<String> stopped = get(http, base.resolve("/health"));
            assertThat(stopped.statusCode()).isEqualTo(503);
            assertThat(stopped.body()).contains("NOT_RUNNING");
            assertThat(collector.stopped()).as("closed, not stopped on its own").isEmpty();
        } finally {
            collector.close();
        }
    }

    /** The patterns that no line of {@code /metrics} matches yet once {@code within} has passed. */
    private static List<String> awaitMetrics(HttpClient http, URI base, List<String> patterns, Duration within)
            throws Exception {
        List<java.util.regex.Pattern> lines = patterns.stream().map(java.util.regex.Pattern::compile).toList();
        long until = System.nanoTime() + within.toNanos();
        while (true) {
            String metrics = get(http, base.resolve("/metrics")).body();
            List<String> missing = lines.stream().filter(line -> !line.matcher(metrics).find())
                    .map(java.util.regex.Pattern::pattern).toList();
            if (missing.isEmpty() || System.nanoTime() > until) {
                return missing;
            }
            Thread.sleep(200);
        }
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends one interactive request with code of its own and returns the batch that carries it. */
    private static AnalysisBatch sendLone(org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer,
            org.apache.kafka.clients.consumer.KafkaConsumer<String, AnalysisBatch> consumer, String requestId) {
        AnalysisRequest lone = new AnalysisRequest(SchemaVersion.CURRENT, requestId, "team-a", AnalysisType.QUALITY,
                "python", "a.py", "print('" + requestId + "')\n", null, null, Lane.INTERACTIVE, null, null, null,
                Instant.now(), null);
        KafkaProbe.send(producer, Topics.REQUESTS, lone.requestId(), Json.write(lone));
        return KafkaProbe.pollUntil(consumer,
                b -> b.items().stream().anyMatch(item -> item.request().requestId().equals(requestId)),
                found -> !found.isEmpty(), Duration.ofSeconds(60)).getFirst();
    }

    /** Commits the stream threads of an application (both intakes) made, from their JMX metrics. */
    private static double commits(String applicationId) throws Exception {
        var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        var threads = new javax.management.ObjectName(
                "kafka.streams:type=stream-thread-metrics,thread-id=" + applicationId + "*");
        double total = 0;
        for (var name : server.queryNames(threads, null)) {
            total += ((Number) server.getAttribute(name, "commit-total")).doubleValue();
        }
        assertThat(server.queryNames(threads, null)).as("stream threads of %s", applicationId).isNotEmpty();
        return total;
    }

    private static AnalysisRequest question(String requestId, String clientId, String code) {
        return new AnalysisRequest(SchemaVersion.CURRENT, requestId, clientId, AnalysisType.QUALITY, "python",
                "a.py", code, null, null, Lane.BULK, null, null, null, Instant.now(), null);
    }

    private static boolean mentions(BatchItem item, List<String> ids) {
        return item.requesters().stream().anyMatch(r -> ids.contains(r.requestId()));
    }

    private static long requesters(List<AnalysisBatch> batches, List<String> ids) {
        return batches.stream().flatMap(b -> b.items().stream()).flatMap(i -> i.requesters().stream())
                .filter(r -> ids.contains(r.requestId())).count();
    }
}

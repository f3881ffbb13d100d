package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ops.lag.LagMeters;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.CachedAnalysis;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.message.Usage;
import dev.athena.schemas.topic.Topics;
import dev.athena.splitter.cache.RedisConnection;
import dev.athena.splitter.delivery.DeliveryLoop;
import dev.athena.splitter.store.DailyUsage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

@Tag("integration")
class ResultSplitterIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private SplitterSettings settings(String inputTopic) {
        return SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(), endpoints.jdbcUrl(),
                endpoints.dbUser(), endpoints.dbPassword()).withGroupId("splitter-it-" + run)
                .withInstanceId("it-" + run).withInputTopic(inputTopic);
    }

    @Test
    void shouldDeliverOneResultPerRequesterOfACoalescedItemAndPersistAndCacheIt() {
        String a = "team-a-" + run;
        String b = "team-b-" + run;
        String c = "team-c-" + run;
        CacheKey requested = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "eval(input()) # " + run, Map.of());
        // b names a's topic as replyTo: outside b's namespace, so it must be ignored
        List<Requester> requesters = List.of(new Requester("req-a-" + run, a, null, "00-4bf92f3577b34da6-00f067aa0ba902b7-01"),
                new Requester("req-b-" + run, b, Topics.resultsTopicName(a), null),
                new Requester("req-c-" + run, c, Topics.resultsTopicName(c) + ".inbox", null));
        ItemResult item = new ItemResult(requested.value(), requesters, AnalysisType.SECURITY, "app/main.py",
                ResultStatus.COMPLETED, ServedBy.of("builtin", "rules-1"),
                List.of(new Finding("dangerous-eval", Severity.HIGH, 1, "eval of input", "do not eval input")),
                "1 finding", new Usage(100, 20, 0, 0.5), null, false);
        String batchId = "batch-" + run;
        Instant completedAt = Instant.now();

        try (ResultSplitter splitter = ResultSplitter.start(settings(Topics.BATCH_RESULTS), new SimpleMeterRegistry())) {
            kafka.produce(Topics.BATCH_RESULTS, batchId,
                    Json.write(new BatchResult(1, batchId, "builtin/rules-1/interactive", List.of(item), completedAt)));

            var forA = kafka.readCommitted(Topics.resultsTopicName(a), r -> r.size() >= 1, DEADLINE, SETTLE);
            var forB = kafka.readCommitted(Topics.resultsTopicName(b), r -> r.size() >= 1, DEADLINE, SETTLE);
            var forC = kafka.readCommitted(Topics.resultsTopicName(c) + ".inbox", r -> r.size() >= 1, DEADLINE, SETTLE);

            assertOnlyOwnResult(forA, "req-a-" + run, a, batchId);
            assertOnlyOwnResult(forB, "req-b-" + run, b, batchId);
            assertOnlyOwnResult(forC, "req-c-" + run, c, batchId);
            assertThat(TestKafka.header(forA.get(0), "traceparent"))
                    .isEqualTo("00-4bf92f3577b34da6-00f067aa0ba902b7-01");
            assertThat(TestKafka.header(forB.get(0), "traceparent")).isNull();
            AnalysisResult resultA = Json.read(forA.get(0).value(), AnalysisResult.class);
            assertThat(resultA.findings()).extracting(Finding::ruleId).containsExactly("dangerous-eval");
            assertThat(resultA.servedBy()).isEqualTo(ServedBy.of("builtin", "rules-1"));
            assertThat(resultA.cached()).isFalse();
            assertThat(resultA.completedAt()).isEqualTo(completedAt);

            var store = splitter.store();
            for (String[] rc : new String[][] {{"req-a-" + run, a}, {"req-b-" + run, b}, {"req-c-" + run, c}}) {
                AnalysisResult row = Eventually.await("row " + rc[0], DEADLINE, () -> store.find(rc[1], rc[0]),
                        java.util.Optional::isPresent).orElseThrow();
                assertThat(row.status()).isEqualTo(ResultStatus.COMPLETED);
                assertThat(row.clientId()).isEqualTo(rc[1]);
            }
            assertThat(store.find(b, "req-a-" + run)).as("another client's result").isEmpty();
            assertThat(store.resultsOfBatch(batchId)).extracting(AnalysisResult::requestId)
                    .containsExactly("req-a-" + run, "req-b-" + run, "req-c-" + run);
            assertThat(store.resultsDeliveredTo(c, Topics.resultsTopicName(c) + ".inbox"))
                    .extracting(AnalysisResult::requestId).containsExactly("req-c-" + run);
            assertThat(store.resultsDeliveredTo(b, Topics.resultsTopicName(a))).as("b's replyTo was ignored").isEmpty();
            LocalDate today = LocalDate.ofInstant(completedAt, ZoneOffset.UTC);
            assertThat(store.usagePerDay(a, today, today)).singleElement().satisfies(u -> {
                assertThat(u.provider()).isEqualTo("builtin");
                assertThat(u.requests()).isEqualTo(1);
                assertThat(u.inputTokens()).isEqualTo(100);
                assertThat(u.costUsd()).isEqualByComparingTo("0.5");
            });
            assertThat(store.usagePerDay(b, today, today)).extracting(DailyUsage::costUsd)
                    .as("coalesced riders are not charged again").allSatisfy(cost -> assertThat(cost).isZero());

            RedissonClient redis = RedisConnection.open(endpoints.redisUrl());
            try {
                String servedKey = requested.servedBy("builtin", "rules-1").value();
                for (String key : List.of(servedKey, requested.value())) {
                    String json = Eventually.await("redis " + key, DEADLINE,
                            () -> redis.<String>getBucket(key, StringCodec.INSTANCE).get(), v -> v != null);
                    CachedAnalysis cached = Json.read(json, CachedAnalysis.class);
                    assertThat(cached.cacheKey()).isEqualTo(key);
                    assertThat(cached.servedBy()).isEqualTo(ServedBy.of("builtin", "rules-1"));
                    assertThat(cached.findings()).hasSize(1);
                    assertThat(redis.getBucket(key, StringCodec.INSTANCE).remainTimeToLive())
                            .isBetween(Duration.ofHours(23).toMillis(), Duration.ofHours(24).toMillis());
                }
            } finally {
                redis.shutdown();
            }
            assertThat(splitter.cache().peekL1(requested.value())).isPresent();
        }
    }

    @Test
    void shouldDeliverARejectionWithoutCachingAndSurviveAPoisonRecord() {
        String input = "splitter-it-input-" + run;
        kafka.createTopic(input, 2);
        String client = "team-r-" + run;
        CacheKey requested = CacheKey.of("auto", "auto", AnalysisType.QUALITY, "x = 1 # " + run, Map.of());
        ItemResult rejected = new ItemResult(requested.value(), List.of(new Requester("req-r-" + run, client, null, null)),
                AnalysisType.QUALITY, null, ResultStatus.REJECTED, null, null, null, null,
                new ErrorInfo("CODE_TOO_LARGE", "field 'code' is too large"), false);
        ItemResult rejectedEarly = new ItemResult(null, List.of(new Requester("req-r2-" + run, client, null, null)),
                null, null, ResultStatus.REJECTED, null, null, null, null,
                new ErrorInfo("MISSING_FIELD", "missing required field 'code'"), false);
        var registry = new SimpleMeterRegistry();

        try (ResultSplitter splitter = ResultSplitter.start(settings(input), registry)) {
            kafka.produce(input, "poison", "{not json".getBytes(StandardCharsets.UTF_8));
            kafka.produce(input, "b-r-" + run, Json.write(new BatchResult(1, "b-r-" + run, "collector",
                    List.of(rejected, rejectedEarly), Instant.now())));

            var results = kafka.readCommitted(Topics.resultsTopicName(client), r -> r.size() >= 2, DEADLINE, SETTLE);

            assertThat(results).extracting(TestKafka::key).containsExactlyInAnyOrder("req-r-" + run, "req-r2-" + run);
            assertThat(results).extracting(r -> Json.read(r.value(), AnalysisResult.class).status())
                    .containsOnly(ResultStatus.REJECTED);
            assertThat(results).extracting(r -> Json.read(r.value(), AnalysisResult.class).error().code())
                    .containsExactlyInAnyOrder("CODE_TOO_LARGE", "MISSING_FIELD");
            assertThat(registry.get("athena.splitter.poison").tag("kind", "record").counter().count()).isEqualTo(1);
            assertThat(registry.get("athena.splitter.results").tag("status", "rejected").counter().count())
                    .isEqualTo(2);
            assertThat(splitter.cache().peekL1(requested.value())).isEmpty();
            RedissonClient redis = RedisConnection.open(endpoints.redisUrl());
            try {
                assertThat(redis.getBucket(requested.value(), StringCodec.INSTANCE).isExists()).isFalse();
            } finally {
                redis.shutdown();
            }
            AnalysisResult row = Eventually.await("rejection row", DEADLINE,
                    () -> splitter.store().find(client, "req-r-" + run), java.util.Optional::isPresent).orElseThrow();
            assertThat(row.status()).isEqualTo(ResultStatus.REJECTED);
            for (String group : List.of(settings(input).groupId(), settings(input).storeGroupId())) {
                Gauge lag = Eventually.await("the first lag probe of " + group, DEADLINE,
                        () -> registry.find(LagMeters.LAG).tag("group", group).tag("topic", input).gauge(),
                        gauge -> gauge != null && !Double.isNaN(gauge.value()));
                assertThat(lag.value()).as("records behind, read from the broker").isGreaterThanOrEqualTo(0);
            }
        }
    }

    @Test
    void shouldSkipARequesterWithoutAValidClientIdAndKeepDeliveringToTheOthers() {
        String input = "splitter-it-unaddressable-" + run;
        kafka.createTopic(input, 1);
        // no producer of ours writes such a requester (client ids have no dot), but a hand-made record may
        String refused = "col." + run;
        String fine = "fine-" + run;
        var registry = new SimpleMeterRegistry();
        ItemResult failed = new ItemResult(null, List.of(new Requester("req-col-" + run, refused, null, null),
                new Requester("req-fine-1-" + run, fine, null, null)), AnalysisType.SECURITY, null,
                ResultStatus.FAILED, null, null, null, null, new ErrorInfo("PROVIDER_DOWN", "every provider failed"),
                false);
        ItemResult later = new ItemResult(null, List.of(new Requester("req-fine-2-" + run, fine, null, null)),
                AnalysisType.SECURITY, null, ResultStatus.EXPIRED, null, null, null, null,
                new ErrorInfo("DEADLINE", "deadline passed"), false);

        try (ResultSplitter splitter = ResultSplitter.start(settings(input), registry)) {
            kafka.produce(input, "b1", Json.write(new BatchResult(1, "b1-" + run, "r", List.of(failed), null)));
            kafka.produce(input, "b2", Json.write(new BatchResult(1, "b2-" + run, "r", List.of(later), null)));

            var results = kafka.readCommitted(Topics.resultsTopicName(fine), r -> r.size() >= 2, DEADLINE, SETTLE);

            // keyed by request id, the two results may sit on different partitions of the client's topic
            assertThat(results).extracting(TestKafka::key)
                    .containsExactlyInAnyOrder("req-fine-1-" + run, "req-fine-2-" + run);
            assertThat(registry.get("athena.splitter.poison").tag("kind", "requester").counter().count())
                    .isEqualTo(1);
            assertThat(Eventually.await("the fine requester's row", DEADLINE,
                    () -> splitter.store().find(fine, "req-fine-2-" + run), java.util.Optional::isPresent))
                    .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(ResultStatus.EXPIRED));
        }
    }

    @Test
    void shouldStoreWhoAnsweredAndWhetherItWasAStandInAndCacheOnlyTheRealAnswer() throws Exception {
        String input = "splitter-it-served-" + run;
        kafka.createTopic(input, 1);
        String client = "team-s-" + run;
        CacheKey standInKey = CacheKey.of("deepseek", "deepseek-chat", AnalysisType.SECURITY, "a = 1 # " + run,
                Map.of());
        CacheKey realKey = CacheKey.of("openai", "gpt-4o", AnalysisType.SECURITY, "b = 2 # " + run, Map.of());
        ItemResult standIn = new ItemResult(standInKey.value(), List.of(new Requester("req-d-" + run, client, null,
                null)), AnalysisType.SECURITY, "a.py", ResultStatus.COMPLETED,
                new ServedBy("builtin", "rules-1", true), List.of(), "no findings", Usage.NONE, null, false);
        ItemResult real = new ItemResult(realKey.value(), List.of(new Requester("req-o-" + run, client, null, null)),
                AnalysisType.SECURITY, "b.py", ResultStatus.COMPLETED, ServedBy.of("openai", "gpt-4o"), List.of(),
                "no findings", new Usage(40, 5, 0, 0.001), null, false);

        try (ResultSplitter splitter = ResultSplitter.start(settings(input), new SimpleMeterRegistry())) {
            kafka.produce(input, "b-s-" + run, Json.write(new BatchResult(1, "b-s-" + run, "r",
                    List.of(standIn, real), Instant.now())));

            for (String id : List.of("req-d-" + run, "req-o-" + run)) {
                Eventually.await("row " + id, DEADLINE, () -> splitter.store().find(client, id),
                        java.util.Optional::isPresent);
            }
            try (var conn = java.sql.DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(),
                    endpoints.dbPassword());
                    var query = conn.prepareStatement("select request_id, served_provider, served_model, degraded "
                            + "from analysis_results where client_id = ? order by request_id")) {
                query.setString(1, client);
                List<String> rows = new java.util.ArrayList<>();
                try (var rs = query.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getString(1) + " " + rs.getString(2) + "/" + rs.getString(3) + " degraded="
                                + rs.getBoolean(4));
                    }
                }
                assertThat(rows).containsExactly("req-d-" + run + " builtin/rules-1 degraded=true",
                        "req-o-" + run + " openai/gpt-4o degraded=false");
            }
            assertThat(splitter.store().find(client, "req-d-" + run)).hasValueSatisfying(
                    r -> assertThat(r.answeredByStandIn()).isTrue());
            Eventually.await("the real answer in L1", DEADLINE, () -> splitter.cache().peekL1(realKey.value()),
                    java.util.Optional::isPresent);
            assertThat(splitter.cache().peekL1(standInKey.value())).as("a stand-in's answer is not kept").isEmpty();
        }
    }

    private static void assertOnlyOwnResult(List<ConsumerRecord<byte[], byte[]>> records, String requestId,
            String clientId, String batchId) {
        assertThat(records).as("results on %s's topic", clientId).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = records.get(0);
        assertThat(TestKafka.key(record)).isEqualTo(requestId);
        assertThat(TestKafka.header(record, DeliveryLoop.CLIENT_ID_HEADER)).isEqualTo(clientId);
        AnalysisResult result = Json.read(record.value(), AnalysisResult.class);
        assertThat(result.requestId()).isEqualTo(requestId);
        assertThat(result.clientId()).isEqualTo(clientId);
        assertThat(result.batchId()).isEqualTo(batchId);
        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        String json = new String(record.value(), StandardCharsets.UTF_8);
        assertThat(json.split("req-", -1)).as("only its own request id appears").hasSize(2);
    }
}

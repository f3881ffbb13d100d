package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.topic.Topics;
import dev.athena.splitter.cache.CacheInvalidator;
import dev.athena.splitter.cache.Invalidation;
import dev.athena.splitter.cache.InvalidationOutcome;
import dev.athena.splitter.cache.RedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

@Tag("integration")
class CacheInvalidationIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private SplitterSettings settings(String input, String instance) {
        return SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(), endpoints.jdbcUrl(),
                endpoints.dbUser(), endpoints.dbPassword()).withGroupId("invalidation-it-" + run)
                .withInstanceId(instance + "-" + run).withInputTopic(input);
    }

    private ItemResult item(CacheKey key, String requestId, String client, String path) {
        return new ItemResult(key.value(), List.of(new Requester(requestId, client, null, null)), key.analysisType(),
                path, ResultStatus.COMPLETED, ServedBy.of("builtin", "rules-1"), null, "ok", null, null, false);
    }

    @Test
    void shouldDropInvalidatedAnswersFromEveryInstancesL1AndFromRedis() throws Exception {
        String input = "invalidation-it-" + run;
        kafka.createTopic(input, 2);
        String client = "inv-client-" + run;
        CacheKey byTag = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "tagged " + run, Map.of());
        CacheKey byRequest = CacheKey.of("auto", "auto", AnalysisType.QUALITY, "requested " + run, Map.of());
        CacheKey byPattern = CacheKey.of("auto", "auto", AnalysisType.COMPLEXITY, "patterned " + run, Map.of());
        List<String> allKeys = List.of(byTag.value(), byRequest.value(), byPattern.value());
        RedissonClient redis = RedisConnection.open(endpoints.redisUrl());
        try (ResultSplitter first = ResultSplitter.start(settings(input, "first"), new SimpleMeterRegistry());
                ResultSplitter second = ResultSplitter.start(settings(input, "second"), new SimpleMeterRegistry())) {
            kafka.produce(input, "b-" + run, Json.write(new BatchResult(1, "b-" + run, "builtin/rules-1/bulk",
                    List.of(item(byTag, "r1-" + run, client, "repo1:src/a.py"),
                            item(byRequest, "r2-" + run, client, "repo1:src/b.py"),
                            item(byPattern, "r3-" + run, client, "repo2:src/c.py")), Instant.now())));
            kafka.readCommitted(Topics.resultsTopicName(client), r -> r.size() >= 3, DEADLINE, Duration.ZERO);
            for (String key : allKeys) {
                Eventually.await("both L1s hold " + key, DEADLINE,
                        () -> first.cache().get(key).isPresent() && second.cache().get(key).isPresent(), ok -> ok);
            }

            InvalidationOutcome outcome = first.invalidator().invalidate(Invalidation.ofTag("path:repo1:src/a.py",
                    "it"));

            assertThat(outcome.broadcast()).isTrue();
            assertThat(outcome.redisKeysDeleted()).as("served key, requested key and the tag set").isEqualTo(3);
            Eventually.await("second L1 drops the tagged answer", DEADLINE,
                    () -> second.cache().peekL1(byTag.value()).isEmpty(), ok -> ok);
            assertThat(first.cache().peekL1(byTag.value())).isEmpty();
            assertThat(redis.getBucket(byTag.value(), StringCodec.INSTANCE).isExists()).isFalse();
            assertThat(second.cache().peekL1(byRequest.value())).as("other answers stay").isPresent();
            assertThat(second.cache().peekL1(byPattern.value())).isPresent();

            // what the gateway or CLI does: publish a request; exactly one instance runs it
            String requestId = "inv-" + run;
            redis.getTopic(CacheInvalidator.REQUESTS_CHANNEL, StringCodec.INSTANCE).publish(
                    "{\"id\":\"" + requestId + "\",\"kind\":\"key\",\"value\":\"" + byRequest.value()
                            + "\",\"actor\":\"gateway-test\"}");
            Eventually.await("both L1s drop the requested key", DEADLINE,
                    () -> first.cache().peekL1(byRequest.value()).isEmpty()
                            && second.cache().peekL1(byRequest.value()).isEmpty(), ok -> ok);
            assertThat(redis.getBucket(byRequest.value(), StringCodec.INSTANCE).isExists()).isFalse();
            assertThat(auditRows(requestId)).as("one audit row although two instances heard it").isEqualTo(1);

            String hash = byPattern.codeHash();
            second.invalidator().invalidate(Invalidation.ofPattern("*:" + hash + ":*", "it"));
            Eventually.await("first L1 drops the pattern's answers", DEADLINE,
                    () -> first.cache().peekL1(byPattern.value()).isEmpty(), ok -> ok);
            assertThat(redis.getBucket(byPattern.value(), StringCodec.INSTANCE).isExists()).isFalse();
            assertThat(redis.getBucket(byPattern.servedBy("builtin", "rules-1").value(), StringCodec.INSTANCE)
                    .isExists()).isFalse();
        } finally {
            redis.shutdown();
        }
    }

    private long auditRows(String actionId) throws Exception {
        return Eventually.await("audit row " + actionId, DEADLINE, () -> {
            try (var conn = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
                    var ps = conn.prepareStatement("select count(*) from admin_audit_log where action_id = ?")) {
                ps.setString(1, actionId);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }, n -> n > 0);
    }
}

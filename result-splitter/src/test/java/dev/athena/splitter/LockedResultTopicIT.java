package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.EmbeddedKafka;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.FreePorts;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.infra.stack.TempDirectories;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.TopicSpec;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A client's result topic whose record size the pipeline may not raise (a broker policy says so, as a platform
 * team managing its topics might), and a result larger than it takes; and a new client, whose topic the policy
 * lets the splitter create only at the broker's record size; and a topic lowered and locked after the splitter
 * learned its size. Before, the send failed the transaction on
 * every retry and every client of the input partition waited for ever; now the client gets its result cut to fit,
 * with its most severe findings and a pointer to the whole one, which PostgreSQL keeps.
 */
@Tag("integration")
class LockedResultTopicIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** The broker's default max.message.bytes, which the locked topic keeps. */
    private static final int BROKER_DEFAULT_LIMIT = 1_048_588;

    private final Endpoints shared = SharedLocalStack.get().endpoints();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shouldSendAResultCutToFitATopicWhoseLimitCannotBeRaisedAndKeepThePartitionFlowing() throws Exception {
        Path dir = Files.createTempDirectory("locked-result-topic-");
        String input = "cut-input-" + run;
        String locked = "team-" + RecordLimitLockPolicy.LOCKED + "-" + run;
        String after = "team-after-" + run;
        String lockedNew = "team-" + RecordLimitLockPolicy.LOCKED + "-new-" + run;
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir, FreePorts.pick(), Map.of("alter.config.policy.class.name",
                RecordLimitLockPolicy.class.getName()));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin);
            provisioner.ensure(new TopicSpec(input, 1, Map.of("max.message.bytes",
                    String.valueOf(Topics.MAX_RECORD_BYTES))));
            // made by the platform team at the broker's default record size
            provisioner.ensure(new TopicSpec(Topics.resultsTopicName(locked), 3, Map.of()));

            SplitterSettings settings = SplitterSettings.defaults(broker.bootstrap(), shared.redisUrl(),
                    shared.jdbcUrl(), shared.dbUser(), shared.dbPassword()).withGroupId("locked-" + run)
                    .withInstanceId("locked-" + run).withInputTopic(input);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            TestKafka kafka = new TestKafka(broker.bootstrap());
            try (ResultSplitter splitter = ResultSplitter.start(settings, registry);
                    KafkaProducer<byte[], byte[]> producer = LargeResults.producer(broker.bootstrap())) {
                byte[] large = Json.write(new BatchResult(1, "b1-" + run, "builtin/rules-1/bulk",
                        List.of(manyFindings("req-large-" + run, locked)), Instant.now()));
                assertThat(large.length).as("over the locked topic's limit").isGreaterThan(1_500_000);
                producer.send(new ProducerRecord<>(input, bytes("b1"), large)).get();
                producer.send(new ProducerRecord<>(input, bytes("b2"), Json.write(new BatchResult(1, "b2-" + run,
                        "builtin/rules-1/bulk", List.of(LargeResults.failed("req-after-" + run, after)),
                        Instant.now())))).get();
                // a client with no topic yet: the policy refuses the record size the splitter creates topics with
                producer.send(new ProducerRecord<>(input, bytes("b3"), Json.write(new BatchResult(1, "b3-" + run,
                        "builtin/rules-1/bulk", List.of(manyFindings("req-new-" + run, lockedNew)),
                        Instant.now())))).get();

                var forAfter = kafka.readCommitted(Topics.resultsTopicName(after), r -> r.size() >= 1, DEADLINE,
                        Duration.ZERO);
                assertThat(forAfter).extracting(TestKafka::key).containsExactly("req-after-" + run);
                for (String[] client : new String[][] {{locked, "req-large-" + run}, {lockedNew, "req-new-" + run}}) {
                    var records = kafka.readCommitted(Topics.resultsTopicName(client[0]), r -> r.size() >= 1,
                            DEADLINE, Duration.ofSeconds(2));
                    assertThat(records).as(client[0]).singleElement().satisfies(record -> {
                        assertThat(record.value().length).isLessThan(BROKER_DEFAULT_LIMIT);
                        AnalysisResult sent = Json.read(record.value(), AnalysisResult.class);
                        assertThat(sent.status()).isEqualTo(ResultStatus.COMPLETED);
                        assertThat(sent.requestId()).isEqualTo(client[1]);
                        assertThat(sent.findings()).hasSizeBetween(1_000, LargeResults.FINDINGS / 2)
                                .allMatch(f -> f.severity() == Severity.CRITICAL);
                        assertThat(sent.error().code()).isEqualTo("RESULT_TRUNCATED");
                        assertThat(sent.error().message()).contains(Topics.resultsTopicName(client[0]),
                                "GET /v1/analyses/" + client[1]);
                    });
                }
                AnalysisResult kept = Eventually.await("whole result in PostgreSQL", DEADLINE,
                        () -> splitter.store().find(locked, "req-large-" + run), Optional::isPresent).orElseThrow();
                assertThat(kept.findings()).hasSize(LargeResults.FINDINGS);
                assertThat(kept.error()).isNull();
                assertThat(registry.get("athena.splitter.results.truncated").counter().count()).isEqualTo(2);

                // a topic the splitter made at 8 MiB, lowered and locked afterwards: the first send over its new
                // limit fails its transaction, which is split again with the limit read anew
                String later = "team-later-" + run;
                producer.send(new ProducerRecord<>(input, bytes("b4"), Json.write(new BatchResult(1, "b4-" + run,
                        "builtin/rules-1/bulk", List.of(LargeResults.failed("req-first-" + run, later)),
                        Instant.now())))).get();
                kafka.readCommitted(Topics.resultsTopicName(later), r -> r.size() >= 1, DEADLINE, Duration.ZERO);
                ConfigResource laterTopic = new ConfigResource(ConfigResource.Type.TOPIC,
                        Topics.resultsTopicName(later));
                admin.incrementalAlterConfigs(Map.of(laterTopic, List.of(new AlterConfigOp(new ConfigEntry(
                        "max.message.bytes", String.valueOf(BROKER_DEFAULT_LIMIT)), AlterConfigOp.OpType.SET))))
                        .all().get();
                RecordLimitLockPolicy.lock(Topics.resultsTopicName(later));
                double abortedBefore = aborted(registry);
                producer.send(new ProducerRecord<>(input, bytes("b5"), Json.write(new BatchResult(1, "b5-" + run,
                        "builtin/rules-1/bulk", List.of(manyFindings("req-later-" + run, later)),
                        Instant.now())))).get();
                var forLater = kafka.readCommitted(Topics.resultsTopicName(later), r -> r.size() >= 2, DEADLINE,
                        Duration.ofSeconds(2));
                assertThat(forLater).extracting(TestKafka::key)
                        .containsExactlyInAnyOrder("req-first-" + run, "req-later-" + run);
                AnalysisResult cut = forLater.stream().filter(r -> TestKafka.key(r).equals("req-later-" + run))
                        .map(r -> Json.read(r.value(), AnalysisResult.class)).findFirst().orElseThrow();
                assertThat(cut.error().code()).isEqualTo("RESULT_TRUNCATED");
                assertThat(cut.findings()).hasSizeBetween(1_000, LargeResults.FINDINGS / 2);
                assertThat(aborted(registry)).as("the send over the lowered limit failed once")
                        .isGreaterThan(abortedBefore);
                assertThat(registry.get("athena.splitter.results.truncated").counter().count()).isEqualTo(3);
                assertThat(splitter.isDelivering()).isTrue();
            }
            for (String client : List.of(locked, lockedNew)) {
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.resultsTopicName(client));
                assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("max.message.bytes")
                        .value()).as("the policy held for " + client).isEqualTo(String.valueOf(BROKER_DEFAULT_LIMIT));
            }
        } finally {
            TempDirectories.deleteTree(dir);
        }
    }

    private static double aborted(SimpleMeterRegistry registry) {
        return registry.get("athena.splitter.transactions").tag("outcome", "aborted").counter().count();
    }

    /** Half critical, half low: the cut keeps critical ones only, as more than half would not fit. */
    private ItemResult manyFindings(String requestId, String client) {
        return LargeResults.manyFindings(requestId, client, run, i -> i % 2 == 0 ? Severity.LOW : Severity.CRITICAL);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

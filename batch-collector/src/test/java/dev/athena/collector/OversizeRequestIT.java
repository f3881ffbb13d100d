package dev.athena.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.collector.window.BatchWindowProcessor;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.topic.DeadLetterHeaders;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records as large as the request topic takes, on the real broker: whatever the collector writes because of them
 * (a dead letter, a pending item in its changelog, a batch) must fit the topic it goes to, or the stream thread
 * fails, is replaced, reads the same record again and fails again, and nothing behind it moves.
 */
@Tag("integration")
class OversizeRequestIT {
    private static final int TOPIC_LIMIT = 8 * 1024 * 1024;

    @TempDir
    Path stateDir;

    @Test
    void shouldAnswerEveryOversizeRecordAndKeepBatchingWhatComesAfter() throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir)
                .withApplicationId("collector-oversize-it-" + run);
        // all on one partition, so one task meets them in this order
        String atLimit = "at-limit-" + run;
        String escaped = "escaped-" + run;
        String huge = "huge-" + run;
        String after = "after-" + run;
        List<String> padded = new ArrayList<>();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        // code far over the limit, the record a little under the topic's: its dead letter must still fit
        records.add(record(atLimit, request(atLimit, run, "x".repeat(TOPIC_LIMIT - 400), "")));
        // 256 KiB of code, within the default limit, written as escapes of control character 1: 1.5 MB of JSON
        records.add(record(escaped, request(escaped, run, "\\u0001".repeat(256 * 1024), "")));
        // 4.5 MB of a field the contract does not know: over the record limit (six times the code limit + 64 KiB)
        records.add(record(huge, request(huge, run, "print(0)", "x".repeat(4_500_000))));
        // six requests of 1.2 MB each (within that limit): more than one batch can carry
        for (int i = 1; i <= 6; i++) {
            String id = "padded-" + i + "-" + run;
            padded.add(id);
            records.add(record(id, request(id, run, "print(" + i + ")", "x".repeat(1_200_000))));
        }
        records.add(record(after, request(after, run, "print('after')", "")));
        List<String> ids = new ArrayList<>(List.of(atLimit, escaped, huge, after));
        ids.addAll(padded);

        // the items changelog as Kafka Streams made it for a build before changelogs took 8 MiB: at the broker's
        // 1 MB, which the 1.2 MB requests waiting across a commit would not fit
        String itemsChangelog = settings.applicationId() + "-" + BatchWindowProcessor.ITEMS_STORE + "-changelog";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(itemsChangelog, 6, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }

        try (var collector = BatchCollector.start(settings, new SimpleMeterRegistry());
                var producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TOPIC_LIMIT + 1024),
                        new StringSerializer(), new ByteArraySerializer());
                var batches = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class);
                var results = KafkaProbe.consumer(bootstrap, Topics.BATCH_RESULTS, BatchResult.class);
                var deadLetters = rawConsumer(bootstrap, Topics.REQUESTS_DLQ)) {
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record).get();
            }

            Map<String, String> outcome = new HashMap<>();
            Set<String> batchesOfPadded = new HashSet<>();
            Instant deadline = Instant.now().plusSeconds(90);
            while (!outcome.keySet().containsAll(ids) && Instant.now().isBefore(deadline)) {
                for (var record : batches.poll(Duration.ofMillis(200))) {
                    if (record.value().items().stream().flatMap(i -> i.requesters().stream())
                            .anyMatch(r -> padded.contains(r.requestId()))) {
                        batchesOfPadded.add(record.value().batchId());
                    }
                    record.value().items().forEach(item -> item.requesters().stream().map(Requester::requestId)
                            .filter(ids::contains).forEach(id -> outcome.merge(id, "BATCHED", (a, b) -> a + "," + b)));
                }
                for (var record : results.poll(Duration.ofMillis(200))) {
                    for (ItemResult item : record.value().items()) {
                        item.requesters().stream().map(Requester::requestId).filter(ids::contains)
                                .forEach(id -> outcome.merge(id, item.status() + ":" + item.error().code(),
                                        (a, b) -> a + "," + b));
                    }
                }
            }
            List<String> deadLettered = new ArrayList<>();
            Map<String, String> truncated = new HashMap<>();
            Instant dlqDeadline = Instant.now().plusSeconds(30);
            while (deadLettered.size() < 2 && Instant.now().isBefore(dlqDeadline)) {
                for (var record : deadLetters.poll(Duration.ofMillis(200))) {
                    if (ids.contains(record.key())) {
                        deadLettered.add(record.key());
                        var cut = record.headers().lastHeader(DeadLetterHeaders.TRUNCATED);
                        String what = cut == null ? "" : new String(cut.value(), StandardCharsets.UTF_8);
                        truncated.put(record.key(), what + " -> " + record.value().length);
                    }
                }
            }

            assertThat(outcome).containsEntry(after, "BATCHED")
                    .containsEntry(escaped, "BATCHED")
                    .containsEntry(atLimit, "REJECTED:CODE_TOO_LARGE")
                    .containsEntry(huge, "REJECTED:REQUEST_TOO_LARGE");
            padded.forEach(id -> assertThat(outcome).containsEntry(id, "BATCHED"));
            assertThat(batchesOfPadded).as("batches carrying the 1.2 MB requests").hasSizeGreaterThan(1);
            assertThat(deadLettered).containsExactlyInAnyOrder(atLimit, huge);
            // the record near the topic's limit is cut to fit with its reason headers; the other fits as it is
            assertThat(truncated.get(atLimit)).startsWith("value=" + records.get(0).value().length + " -> ");
            assertThat(truncated.get(huge)).isEqualTo(" -> " + records.get(2).value().length);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConfigResource items = new ConfigResource(ConfigResource.Type.TOPIC, itemsChangelog);
            assertThat(admin.describeConfigs(List.of(items)).all().get().get(items).get("max.message.bytes").value())
                    .as("raised at start").isEqualTo(String.valueOf(Topics.MAX_RECORD_BYTES));
            // the names the collector raises are those Kafka Streams gave its changelogs
            List<String> made = admin.listTopics().names().get().stream()
                    .filter(name -> name.startsWith(settings.applicationId() + "-") && name.endsWith("-changelog"))
                    .toList();
            List<String> named = Arrays.stream(Intake.values())
                    .flatMap(intake -> CollectorTopology.changelogTopics(settings, intake).stream()).toList();
            assertThat(made).contains(itemsChangelog,
                    settings.applicationId() + "-collector-seen-log-changelog").isSubsetOf(named);
        }
    }

    private static ProducerRecord<String, byte[]> record(String requestId, String json) {
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        assertThat(value.length).as("the test's record must fit the topic").isLessThan(TOPIC_LIMIT - 200);
        return new ProducerRecord<>(Topics.REQUESTS, 0, requestId, value);
    }

    private static String request(String requestId, String run, String code, String notes) {
        return "{\"schemaVersion\": 1, \"requestId\": \"" + requestId + "\", \"clientId\": \"oversize-" + run
                + "\", \"analysisType\": \"quality\", \"code\": \"" + code + "\", \"lane\": \"interactive\""
                + (notes.isEmpty() ? "" : ", \"notes\": \"" + notes + "\"") + "}";
    }

    private static KafkaConsumer<String, byte[]> rawConsumer(String bootstrap, String topic) {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "collector-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}

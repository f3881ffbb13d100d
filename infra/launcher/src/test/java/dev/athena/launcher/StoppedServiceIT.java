package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.ProviderWorkers;
import dev.athena.workers.WorkerSettings;
import dev.athena.workers.config.ProviderCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./athena up} runs every service in one JVM, where no supervisor restarts a service whose loop stopped.
 * Here its workers are fenced by a second instance started with the same instance id (the mistake a copied
 * configuration makes): the all-in-one must say which service stopped and why, and exit non-zero, as each service
 * does alone, instead of staying up with requests waiting for ever behind the stopped workers.
 */
@Tag("integration")
class StoppedServiceIT {
    private static final String ROUTE = "builtin/rules-1/interactive";

    @TempDir
    Path data;

    @Test
    void shouldExitWithStatusOneNamingTheServiceThatStoppedOnItsOwn() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String run = UUID.randomUUID().toString().substring(0, 8);
        WorkerSettings fenced = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                .withGroupId("it-stopped-" + run).withInstanceId("it-stopped-" + run);
        startGroupAtEnd(endpoints.kafkaBootstrap(), fenced.groupId());
        Path log = Path.of("target", "stopped-service-it", "up-" + run + ".log");
        Process up = launchUp(endpoints, fenced, log);
        try {
            awaitLine(up, log, "athena: ready", Duration.ofSeconds(120));
            assertThat(up.waitFor(2, TimeUnit.SECONDS)).as("up runs while every service works").isFalse();

            try (ProviderWorkers impostor = ProviderWorkers.start(fenced, new SimpleMeterRegistry(),
                    ProviderCatalog.fromEnvironment(Map.of()))) {
                produceOneBatchPerPartition(endpoints.kafkaBootstrap(), run);

                assertThat(up.waitFor(90, TimeUnit.SECONDS)).as("up exited; see %s", log).isTrue();
                assertThat(impostor.alive()).as("the instance that fenced it works on").isTrue();
            }
            assertThat(up.exitValue()).isEqualTo(1);
            // which of the workers' loops the impostor stops first (the batch loop through its producer's epoch,
            // or either loop through its static consumer) is a race; either must be told, with its cause
            assertThat(Files.readString(log)).containsPattern("athena: provider workers: (batch loop|cancellation "
                    + "intake) stopped: .+Exception: .+; stopping everything");
            assertThat(data.resolve(RunningPipeline.FILE)).as("its endpoints file, removed on the way out")
                    .doesNotExist();
        } finally {
            up.destroyForcibly().waitFor();
        }
    }

    /** {@code ./athena up} on the shared servers, its workers under {@code workers}' group and instance id. */
    private Process launchUp(Endpoints endpoints, WorkerSettings workers, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Athena.class.getName(), "up", "--data", data.toString(),
                "--http-port", "0"));
        Map<String, String> env = builder.environment();
        env.put("ATHENA_KAFKA_BOOTSTRAP", endpoints.kafkaBootstrap());
        env.put("ATHENA_REDIS_URL", endpoints.redisUrl());
        env.put("ATHENA_DB_URL", endpoints.jdbcUrl());
        env.put("ATHENA_DB_USER", endpoints.dbUser());
        env.put("ATHENA_DB_PASSWORD", endpoints.dbPassword());
        env.put("ATHENA_WORKER_GROUP", workers.groupId());
        env.put("ATHENA_WORKER_ID", workers.instanceId());
        Files.createDirectories(log.getParent());
        return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitLine(Process process, Path log, String line, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            assertThat(process.isAlive()).as("up exited before '%s'; see %s", line, log).isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + line + "' within " + timeout + "; see " + log);
    }

    /** A new group would read every batch the shared broker ever had; this one starts where the topic ends. */
    private static void startGroupAtEnd(String bootstrap, String group) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.BATCHES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            partitions.forEach(tp -> offsets.put(tp, new OffsetAndMetadata(consumer.position(tp))));
            consumer.commitSync(offsets);
        }
    }

    /** Whichever partitions the fenced instance holds, one of these batches reaches it. */
    private static void produceOneBatchPerPartition(String bootstrap, String run) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            int partitions = producer.partitionsFor(Topics.BATCHES).size();
            for (int p = 0; p < partitions; p++) {
                String batchId = "it-stopped-" + run + "-" + p;
                AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "req-" + batchId, "team-it",
                        AnalysisType.SECURITY, null, null, "x = eval(s)\n", "builtin", null, Lane.INTERACTIVE,
                        Map.of(), null, null, null, null);
                AnalysisBatch batch = new AnalysisBatch(SchemaVersion.CURRENT, batchId, ROUTE, Instant.now(),
                        Instant.now(), List.of(new BatchItem("analysis:builtin:rules-1:security:0123456789abcdef:"
                                + "%08d".formatted(p),
                                request, List.of(new Requester(request.requestId(), "team-it", null, null)))));
                producer.send(new ProducerRecord<>(Topics.BATCHES, p, ROUTE, Json.write(batch))).get();
            }
        }
    }
}

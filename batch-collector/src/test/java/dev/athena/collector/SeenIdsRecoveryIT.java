package dev.athena.collector;

import static dev.athena.collector.ClientBatches.mine;
import static dev.athena.collector.ClientBatches.requestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.infra.stack.TempDirectories;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seen-id index is local to a machine (no changelog). Here one collector's state directory keeps its index
 * across clean restarts, and in between the index is taken back in time to what it was two runs earlier, as on a
 * machine that gets a task back after another machine ran it: the index must catch up from the changelogged log,
 * so every repeat is still dropped.
 */
@Tag("integration")
class SeenIdsRecoveryIT {
    /** Where Streams keeps them in a task directory (key-value stores under {@code rocksdb/}). */
    private static final List<String> INDEX_STORES = List.of("rocksdb/collector-seen-ids",
            "rocksdb/collector-seen-index-position");

    @TempDir
    Path stateDir;
    @TempDir
    Path saved;

    @Test
    void shouldDropRepeatsAfterCleanRestartsAndAfterTheIndexWentBackInTime() throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String clientId = "seen-it-" + run;
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir)
                .withApplicationId("collector-seen-it-" + run);
        List<String> first = ids(run, 0, 10);
        List<String> second = ids(run, 10, 20);
        List<String> third = ids(run, 20, 25);

        try (KafkaProducer<String, byte[]> producer = KafkaProbe.producer(bootstrap);
                var consumer = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class)) {
            assertThat(runOnce(settings, producer, consumer, clientId, first, first)).isEqualTo(first.size());
            copyIndexes(settings.applicationId(), stateDir, saved);

            // a clean restart keeps the index: the first ids are repeats, the second are new
            assertThat(runOnce(settings, producer, consumer, clientId, concat(first, second), second))
                    .isEqualTo(second.size());

            // the index as it was after the first run: it must learn the second ids from the log
            copyIndexes(settings.applicationId(), saved, stateDir);
            assertThat(runOnce(settings, producer, consumer, clientId, concat(concat(first, second), third), third))
                    .isEqualTo(third.size());
        }
    }

    /** Sends {@code sent}; returns how many requests were batched once exactly {@code expected} have been. */
    private static int runOnce(CollectorSettings settings, KafkaProducer<String, byte[]> producer,
            KafkaConsumer<String, AnalysisBatch> consumer, String clientId, List<String> sent, List<String> expected)
            throws InterruptedException {
        try (var collector = BatchCollector.start(settings, new SimpleMeterRegistry())) {
            for (String id : sent) {
                KafkaProbe.send(producer, Topics.REQUESTS, id, TestRequests.request(id, clientId, "print('" + id
                        + "')"));
            }
            List<String> batched = requestIds(KafkaProbe.pollUntil(consumer, b -> mine(b, clientId),
                    found -> requestIds(found, clientId).size() >= expected.size(), Duration.ofSeconds(60)), clientId);
            assertThat(batched).containsExactlyInAnyOrderElementsOf(expected);
            List<AnalysisBatch> late = KafkaProbe.pollUntil(consumer, b -> mine(b, clientId), found -> false,
                    Duration.ofSeconds(2));
            assertThat(late).as("no repeat batched").isEmpty();
            return batched.size();
        }
    }

    private static void copyIndexes(String applicationId, Path fromRoot, Path toRoot) throws IOException {
        Path from = fromRoot.resolve(applicationId);
        try (Stream<Path> tasks = Files.list(from)) {
            for (Path task : tasks.filter(Files::isDirectory).toList()) {
                for (String store : INDEX_STORES) {
                    Path source = task.resolve(store);
                    Path target = toRoot.resolve(applicationId).resolve(task.getFileName().toString()).resolve(store);
                    assertThat(source).as("store directory").exists();
                    TempDirectories.deleteTree(target);
                    copyTree(source, target);
                }
            }
        }
    }

    private static List<String> ids(String run, int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add("seen-" + run + "-" + i);
        }
        return ids;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}

package dev.athena.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository scan's backlog on {@code athena.requests.bulk} does not hold back an interactive request on
 * {@code athena.requests}: each intake has a Streams application of its own. Both are waiting before the
 * collector starts, the backlog first; were they one topic, or one consumer, the interactive request would be read
 * after (nearly) all of the backlog.
 */
@Tag("integration")
class BulkBacklogIT {
    /**
     * Large enough that the scan application's head start (its own windows close at once when full, while the
     * interactive request waits out its window and a commit) stays far below half of it on a fast machine: a run
     * at 40,000 once saw 24,625 batched first.
     */
    private static final int BACKLOG = 100_000;

    @TempDir
    Path stateDir;

    @Test
    void shouldBatchAnInteractiveRequestLongBeforeAWaitingScanBacklogIsRead() {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String scanClient = "scan-it-" + run;
        String liveClient = "live-it-" + run;
        String liveId = "live-" + run;
        // the topics exist before the backlog is written (the collector, which would make them, starts after it),
        // and every record of it is acknowledged: a record the broker never took is not one the collector lost
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin).ensure(Topics.pipeline());
        }
        try (var producer = KafkaProbe.producer(bootstrap)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(BACKLOG);
            for (int i = 0; i < BACKLOG; i++) {
                var fields = TestRequests.fields("scan-" + run + "-" + i, scanClient, "x = " + i);
                fields.put("lane", "bulk");
                sent.add(producer.send(new ProducerRecord<>(Topics.REQUESTS_BULK, "scan-" + run + "-" + i,
                        TestRequests.json(fields))));
            }
            producer.flush();
            for (Future<RecordMetadata> record : sent) {
                assertThat(record).as("every backlog record written").succeedsWithin(Duration.ofSeconds(1));
            }
            KafkaProbe.send(producer, Topics.REQUESTS, liveId, TestRequests.request(liveId, liveClient,
                    "print('now')"));
        }
        Predicate<AnalysisBatch> live = batch -> requesters(batch).anyMatch(r -> r.requestId().equals(liveId));
        Predicate<AnalysisBatch> scan = batch -> requesters(batch).anyMatch(r -> r.clientId().equals(scanClient));
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir)
                .withApplicationId("collector-backlog-it-" + run);

        try (var collector = BatchCollector.start(settings, new SimpleMeterRegistry());
                var consumer = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class)) {
            List<AnalysisBatch> seen = new ArrayList<>(KafkaProbe.pollUntil(consumer, live.or(scan),
                    found -> found.stream().anyMatch(live), Duration.ofSeconds(120)));
            int liveAt = indexOf(seen, live);
            assertThat(liveAt).as("the interactive request was batched").isNotNegative();
            long scannedBefore = scanRequests(seen.subList(0, liveAt), scanClient);
            System.err.println("PROBE scannedBefore " + scannedBefore);
            assertThat(scannedBefore).as("scan requests batched before the interactive one (of %d)", BACKLOG)
                    .isLessThan(BACKLOG / 2);

            // and the whole backlog still arrives, each request once
            seen.addAll(KafkaProbe.pollUntil(consumer, scan,
                    found -> scanRequests(seen, scanClient) + scanRequests(found, scanClient) >= BACKLOG,
                    Duration.ofSeconds(120)));
            List<String> scanned = seen.stream().flatMap(BulkBacklogIT::requesters)
                    .filter(r -> r.clientId().equals(scanClient)).map(Requester::requestId).toList();
            assertThat(scanned).hasSize(BACKLOG);
            assertThat(new HashSet<>(scanned)).hasSize(BACKLOG);
            assertThat(seen).filteredOn(scan).extracting(AnalysisBatch::route).containsOnly("auto/auto/bulk");
        }
    }

    private static java.util.stream.Stream<Requester> requesters(AnalysisBatch batch) {
        return batch.items().stream().map(BatchItem::requesters).flatMap(List::stream);
    }

    private static long scanRequests(List<AnalysisBatch> batches, String scanClient) {
        return batches.stream().flatMap(BulkBacklogIT::requesters).filter(r -> r.clientId().equals(scanClient))
                .count();
    }

    private static int indexOf(List<AnalysisBatch> batches, Predicate<AnalysisBatch> which) {
        for (int i = 0; i < batches.size(); i++) {
            if (which.test(batches.get(i))) {
                return i;
            }
        }
        return -1;
    }
}

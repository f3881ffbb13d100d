package dev.athena.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.collector.admission.DeadLetter;
import dev.athena.collector.state.StoreKind;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topic of bulk scans is an intake like {@code athena.requests}, in a sub-topology of its own. */
class IntakeTopologyTest {
    @TempDir
    Path stateDir;
    private CollectorSettings settings;
    private TopologyFixture f;

    @BeforeEach
    void start() {
        settings = new CollectorSettings("127.0.0.1:1", "collector-intake-test", stateDir, Duration.ofMillis(50),
                Duration.ofMillis(100), 32, 100_000, 1024, Duration.ofMillis(50));
        f = new TopologyFixture(settings);
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** Tasks of one sub-topology read only its topics: one per intake is what lets Streams take turns. */
    @Test
    void shouldGiveEachIntakeASubTopologyOfItsOwn() {
        var description = CollectorTopology.build(settings, Clock.systemUTC(), f.metrics).describe();

        Map<Set<String>, TopologyDescription.Subtopology> bySources = description.subtopologies().stream()
                .collect(Collectors.toMap(IntakeTopologyTest::sourceTopics, s -> s));
        assertThat(bySources).containsOnlyKeys(Set.of(Topics.REQUESTS), Set.of(Topics.REQUESTS_BULK));
        assertThat(stores(bySources.get(Set.of(Topics.REQUESTS)))).containsExactlyInAnyOrder(
                "collector-seen-index", "collector-seen-index-position", "collector-seen-log",
                "collector-admission-commit-hook", "collector-window-items", "collector-window-commit-hook");
        assertThat(stores(bySources.get(Set.of(Topics.REQUESTS_BULK)))).containsExactlyInAnyOrder(
                "collector-bulk-seen-index", "collector-bulk-seen-index-position", "collector-bulk-seen-log",
                "collector-bulk-admission-commit-hook", "collector-bulk-window-items",
                "collector-bulk-window-commit-hook");
    }

    @Test
    void shouldBatchABulkScanRequestInTheBulkLane() {
        var fields = TestRequests.fields("scan-1-file-1", "team-a", "print('hello')");
        fields.put("lane", "bulk");

        f.sendBulk("scan-1-file-1", TestRequests.json(fields));
        f.advance(120);

        List<AnalysisBatch> batches = f.batches.readValuesToList();
        assertThat(batches).singleElement().satisfies(batch -> {
            assertThat(batch.route()).isEqualTo("auto/auto/bulk");
            assertThat(batch.items()).flatExtracting(BatchItem::requesters).extracting(Requester::requestId)
                    .containsExactly("scan-1-file-1");
        });
    }

    @Test
    void shouldDropARepeatedRequestIdOnTheBulkTopic() {
        byte[] body = TestRequests.request("scan-1-file-2", "team-a", "x = 1");

        f.sendBulk("scan-1-file-2", body);
        f.advance(120);
        f.sendBulk("scan-1-file-2", body);
        f.advance(120);

        assertThat(f.batches.readValuesToList()).flatExtracting(AnalysisBatch::items).hasSize(1);
        assertThat(f.registry.get("athena.collector.requests").tag("outcome", "duplicate").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterABadBulkRecordNamingTheBulkTopicAndRejectItOnce() {
        var fields = TestRequests.fields("scan-1-file-3", "team-a", "");

        f.sendBulk("scan-1-file-3", TestRequests.json(fields));

        var dead = f.deadLetters.readRecord();
        assertThat(header(dead.headers(), DeadLetter.SOURCE_TOPIC)).isEqualTo(Topics.REQUESTS_BULK);
        assertThat(header(dead.headers(), DeadLetter.ERROR_CODE)).isEqualTo("EMPTY_CODE");
        assertThat(f.results.readValuesToList()).singleElement()
                .satisfies(result -> assertThat(result.items()).singleElement()
                        .satisfies(item -> assertThat(item.error().message()).contains("code")));
        assertThat(f.batches.isEmpty()).isTrue();
    }

    /** Pending bulk items live in the bulk intake's store, so a restart of its tasks restores them. */
    @Test
    void shouldKeepPendingBulkItemsInTheBulkIntakesOwnStore() {
        var fields = TestRequests.fields("scan-1-file-4", "team-a", "y = 2");
        fields.put("lane", "bulk");

        f.sendBulk("scan-1-file-4", TestRequests.json(fields));
        f.advance(60); // past a commit, before the bulk window closes

        assertThat(count(f.driver.getKeyValueStore("collector-bulk-window-items").all())).isEqualTo(1);
        assertThat(count(f.driver.getKeyValueStore(dev.athena.collector.window.BatchWindowProcessor.ITEMS_STORE)
                .all())).isZero();
    }

    private static long count(org.apache.kafka.streams.state.KeyValueIterator<?, ?> all) {
        try (all) {
            long n = 0;
            while (all.hasNext()) {
                all.next();
                n++;
            }
            return n;
        }
    }

    private static Set<String> sourceTopics(TopologyDescription.Subtopology subtopology) {
        return subtopology.nodes().stream().filter(TopologyDescription.Source.class::isInstance)
                .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
                .collect(Collectors.toSet());
    }

    private static Set<String> stores(TopologyDescription.Subtopology subtopology) {
        return subtopology.nodes().stream().filter(TopologyDescription.Processor.class::isInstance)
                .flatMap(node -> ((TopologyDescription.Processor) node).stores().stream())
                .collect(Collectors.toSet());
    }

    private static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

package dev.athena.collector;

import static dev.athena.collector.TopologyFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.state.StoreKind;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.topic.DeadLetterHeaders;
import dev.athena.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topic of bulk scans is an intake like {@code athena.requests}, read by an application of its own. */
class IntakeTopologyTest {
    @TempDir
    Path stateDir;
    private CollectorSettings settings;
    private TopologyFixture f;

    @BeforeEach
    void start() {
        settings = new CollectorSettings("127.0.0.1:1", "collector-intake-test", stateDir, Duration.ofMillis(50),
                Duration.ofMillis(100), 32, 100_000, 1024, Duration.ofMillis(50));
        f = new TopologyFixture(settings, CacheLookup.none(), StoreKind.PERSISTENT, Intake.BULK);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void shouldReadEachIntakeInAnApplicationOfItsOwn() {
        assertThat(sourceTopics(CollectorTopology.build(settings, Clock.systemUTC(), f.metrics, CacheLookup.none(),
                Intake.MAIN))).containsExactly(Topics.REQUESTS);
        assertThat(sourceTopics(CollectorTopology.build(settings, Clock.systemUTC(), f.metrics, CacheLookup.none(),
                Intake.BULK))).containsExactly(Topics.REQUESTS_BULK);
        // the main intake keeps the collector's id, and so its state and offsets across an upgrade
        assertThat(Intake.MAIN.applicationId("athena-batch-collector")).isEqualTo("athena-batch-collector");
        assertThat(Intake.BULK.applicationId("athena-batch-collector")).isEqualTo("athena-batch-collector-bulk");
    }

    @Test
    void shouldBatchABulkScanRequestInTheBulkLane() {
        var fields = TestRequests.fields("scan-1-file-1", "team-a", "print('hello')");
        fields.put("lane", "bulk");

        f.send("scan-1-file-1", TestRequests.json(fields));
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

        f.send("scan-1-file-2", body);
        f.advance(120);
        f.send("scan-1-file-2", body);
        f.advance(120);

        assertThat(f.batches.readValuesToList()).flatExtracting(AnalysisBatch::items).hasSize(1);
        assertThat(f.registry.get("athena.collector.requests").tag("outcome", "duplicate").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterABadBulkRecordNamingTheBulkTopicAndRejectItOnce() {
        var fields = TestRequests.fields("scan-1-file-3", "team-a", "");

        f.send("scan-1-file-3", TestRequests.json(fields));

        var dead = f.deadLetters.readRecord();
        assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.REQUESTS_BULK);
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CODE)).isEqualTo("EMPTY_CODE");
        assertThat(f.results.readValuesToList()).singleElement()
                .satisfies(result -> assertThat(result.items()).singleElement()
                        .satisfies(item -> assertThat(item.error().message()).contains("code")));
        assertThat(f.batches.isEmpty()).isTrue();
    }

    private static Set<String> sourceTopics(Topology topology) {
        return topology.describe().subtopologies().stream().flatMap(s -> s.nodes().stream())
                .filter(TopologyDescription.Source.class::isInstance)
                .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
                .collect(Collectors.toSet());
    }
}

package dev.athena.collector.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.collector.state.StoreKind;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.validation.RequestDecoder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class SeenFilterTest {
    @Test
    void shouldNeverMissAnIdItWasGivenAndRarelyClaimOneItWasNot() {
        SeenFilter filter = new SeenFilter(SeenFilter.DEFAULT_CAPACITY);
        IntStream.range(0, 200_000).forEach(i -> filter.add("req-" + i));
        assertThat(IntStream.range(0, 200_000).allMatch(i -> filter.mightContain("req-" + i))).isTrue();
        long falsePositives = IntStream.range(0, 100_000).filter(i -> filter.mightContain("other-" + i)).count();
        assertThat(falsePositives).isLessThan(1_000);
    }

    /** At its capacity the filter is as good as its design notes say: about 1 % false positives. */
    @Test
    void shouldKeepFalsePositivesNearOnePercentAtItsCapacity() {
        SeenFilter filter = new SeenFilter(SeenFilter.DEFAULT_CAPACITY);
        for (int i = 0; i < SeenFilter.DEFAULT_CAPACITY; i++) {
            filter.add("team-" + (i % 8) + "/" + java.util.UUID.nameUUIDFromBytes(Integer.toString(i).getBytes()));
        }
        assertThat(filter.generations()).isEqualTo(1);
        long falsePositives = IntStream.range(0, 200_000).filter(i -> filter.mightContain("team-9/other-" + i))
                .count();
        System.out.printf("false positives at capacity: %.3f %%%n", falsePositives / 2_000.0);
        assertThat(falsePositives).isLessThan(3_000);
    }

    @Test
    void shouldStartANewGenerationAtItsCapacityAndKnowTheIdsOfEveryOne() {
        SeenFilter filter = new SeenFilter(2);
        filter.add("a");
        filter.add("b");
        assertThat(filter.generations()).isEqualTo(1);
        filter.add("c");
        assertThat(filter.generations()).isEqualTo(2);
        assertThat(List.of("a", "b", "c")).allMatch(filter::mightContain);
        assertThat(filter.mightContain("d")).isFalse();
    }

    @Test
    void shouldDropAGenerationOnceEveryIdInItIsForgottenButNeverTheNewest() {
        SeenFilter filter = new SeenFilter(1);
        filter.add("a");
        filter.stamp(1_000, 0);
        filter.add("b");
        filter.add("c");
        filter.stamp(5_000, 900);
        assertThat(filter.generations()).as("a was seen at 1,000, after 900").isEqualTo(3);
        filter.stamp(5_000, 1_001);
        assertThat(filter.generations()).isEqualTo(2);
        assertThat(filter.mightContain("a")).isFalse();
        assertThat(List.of("b", "c")).allMatch(filter::mightContain);
        filter.stamp(9_000, 8_000);
        assertThat(filter.generations()).as("b and c were dated 5,000: b's went, the newest stays").isEqualTo(1);
        assertThat(filter.mightContain("c")).isTrue();
    }

    /** Ids added since the last commit are dated at the next one, whichever generation took them. */
    @Test
    void shouldNotDropAGenerationWhoseIdsWereNotDatedYet() {
        SeenFilter filter = new SeenFilter(1);
        filter.add("a", 1_000); // from the store, at the task's start
        filter.add("b", 1_000);
        filter.add("c"); // seen now, in a generation of its own
        filter.add("d");
        filter.stamp(9_000, 5_000);
        // a's and b's generations held only ids of the store, dated 1,000; c's and d's are dated 9,000
        assertThat(filter.generations()).isEqualTo(2);
        assertThat(List.of("c", "d")).allMatch(filter::mightContain);
        assertThat(List.of("a", "b")).noneMatch(filter::mightContain);
        filter.add("e");
        filter.stamp(20_000, 9_001);
        assertThat(filter.generations()).as("e went into a generation of its own, so d's kept its date and went")
                .isEqualTo(1);
        assertThat(List.of("c", "d")).noneMatch(filter::mightContain);
        assertThat(filter.mightContain("e")).isTrue();
    }

    @Test
    void shouldStopAddingGenerationsAtItsLimitAndStillKnowEveryId() {
        SeenFilter filter = new SeenFilter(1);
        int ids = SeenFilter.MAX_GENERATIONS + 5;
        IntStream.range(0, ids).forEach(i -> filter.add("id-" + i));
        assertThat(filter.generations()).isEqualTo(SeenFilter.MAX_GENERATIONS);
        assertThat(IntStream.range(0, ids).allMatch(i -> filter.mightContain("id-" + i))).isTrue();
    }

    /** A filter of several generations still lets every repeat be caught. */
    @Test
    void shouldDropRepeatsAfterTheFilterStartedNewGenerations() {
        List<String> sent = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            IntStream.range(0, 8).forEach(i -> sent.add("r-" + i));
        }
        // batching hears every request admission lets through: the 8 first sightings, never a repeat
        assertThat(admitted(sent, null)).hasSize(8);
    }

    /**
     * Ids remembered before they were kept per client have no client in them: a retry of one across the upgrade
     * is still dropped, whichever client sends it (the task starts on an index that holds one).
     */
    @Test
    void shouldStillDropRetriesOfIdsRememberedWithoutTheirClient() {
        List<String> sent = List.of("r-1", "r-2", "r-3", "r-4", "old-1");
        assertThat(admitted(sent, "old-1")).containsExactly("r-1", "r-2", "r-3", "r-4");
        assertThat(admitted(sent, null)).containsExactly("r-1", "r-2", "r-3", "r-4", "old-1");
    }

    /** The request ids batching hears of, after the index was given {@code unscopedId} (when not null). */
    private static List<String> admitted(List<String> sent, String unscopedId) {
        Instant start = Instant.parse("2026-11-30T10:00:00Z");
        var children = new AdmissionProcessor.Children("dlq", "results", "batching");
        Topology topology = new Topology();
        topology.addSource("in", new ByteArrayDeserializer(), new ByteArrayDeserializer(), "requests");
        topology.addProcessor("admission", () -> new Processor<byte[], byte[], Object, Object>() {
            private final AdmissionProcessor admission = new AdmissionProcessor(RequestDecoder.ofDefaults(),
                    CacheLookup.none(), Clock.fixed(start, ZoneOffset.UTC),
                    new CollectorMetrics(new SimpleMeterRegistry()), Duration.ofHours(24), children,
                    ClientAllowlist.everyone(), 3);

            @Override
            public void init(ProcessorContext<Object, Object> context) {
                if (unscopedId != null) { // as an earlier build left it, before this task starts
                    context.<KeyValueStore<String, Long>>getStateStore(SeenIds.INDEX_STORE)
                            .put(unscopedId, start.toEpochMilli());
                }
                admission.init(context);
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                admission.process(record);
            }

            @Override
            public void close() {
                admission.close();
            }
        }, "in");
        AdmissionProcessor.stores(StoreKind.IN_MEMORY, Duration.ofHours(24))
                .forEach(store -> topology.addStateStore(store, "admission"));
        var counted = new java.util.ArrayList<String>();
        topology.addProcessor("batching", () -> new Processor<Object, Object, Object, Object>() {
            @Override
            public void process(Record<Object, Object> record) {
                counted.add(((Admitted) record.value()).request().requestId());
            }
        }, "admission");
        topology.addSink("dlq", "dlq", new ByteArraySerializer(), new ByteArraySerializer(), "admission");
        topology.addSink("results", "results", (t, v) -> null, (t, v) -> null, "admission");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "seen-filter-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        try (var driver = new TopologyTestDriver(topology, props, start)) {
            var in = driver.createInputTopic("requests", new ByteArraySerializer(), new ByteArraySerializer());
            for (String id : sent) {
                in.pipeInput(id.getBytes(StandardCharsets.UTF_8), body(id), start);
            }
        }
        return counted;
    }

    private static byte[] body(String requestId) {
        return Json.write(Map.of("schemaVersion", 1, "requestId", requestId, "clientId", "team-a",
                "analysisType", "security", "code", "print(1)"));
    }
}

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
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class SeenFilterTest {
    @Test
    void shouldNeverMissAnIdItWasGivenAndRarelyClaimOneItWasNot() {
        SeenFilter filter = new SeenFilter(SeenFilter.DEFAULT_CAPACITY);
        IntStream.range(0, 200_000).forEach(i -> filter.add("req-" + i));
        assertThat(IntStream.range(0, 200_000).allMatch(i -> filter.mightContain("req-" + i))).isTrue();
        long falsePositives = IntStream.range(0, 100_000).filter(i -> filter.mightContain("other-" + i)).count();
        assertThat(falsePositives).isLessThan(1_000);
        filter.clear();
        assertThat(filter.mightContain("req-1")).isFalse();
    }

    @Test
    void shouldSayFullOnceItHasTakenItsCapacity() {
        SeenFilter filter = new SeenFilter(2);
        filter.add("a");
        assertThat(filter.full()).isFalse();
        filter.add("b");
        assertThat(filter.full()).isTrue();
        // refilled with more ids than its capacity: the next refill waits until that count has doubled
        filter.clear();
        IntStream.range(0, 5).forEach(i -> filter.add("id-" + i));
        filter.refilled();
        assertThat(filter.full()).isFalse();
        IntStream.range(5, 10).forEach(i -> filter.add("id-" + i));
        assertThat(filter.full()).isTrue();
    }

    /** A filter refilled from the store when full still lets the store catch every repeat. */
    @Test
    void shouldDropRepeatsAfterTheFilterWasRefilledFromTheStore() {
        Instant start = Instant.parse("2026-11-30T10:00:00Z");
        var children = new AdmissionProcessor.Children("dlq", "results", "batching");
        Topology topology = new Topology();
        topology.addSource("in", new ByteArrayDeserializer(), new ByteArrayDeserializer(), "requests");
        topology.addProcessor("admission", () -> new AdmissionProcessor(RequestDecoder.ofDefaults(),
                CacheLookup.none(), Clock.fixed(start, ZoneOffset.UTC),
                new CollectorMetrics(new SimpleMeterRegistry()), Duration.ofHours(24), children,
                ClientAllowlist.everyone(), 3), "in");
        AdmissionProcessor.stores(StoreKind.IN_MEMORY, Duration.ofHours(24))
                .forEach(store -> topology.addStateStore(store, "admission"));
        var counted = new java.util.ArrayList<String>();
        topology.addProcessor("batching", () -> new Processor<Object, Object, Object, Object>() {
            @Override
            public void process(Record<Object, Object> record) {
                counted.add(record.key().toString());
            }
        }, "admission");
        topology.addSink("dlq", "dlq", new ByteArraySerializer(), new ByteArraySerializer(), "admission");
        topology.addSink("results", "results", (t, v) -> null, (t, v) -> null, "admission");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "seen-filter-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        try (var driver = new TopologyTestDriver(topology, props, start)) {
            var in = driver.createInputTopic("requests", new ByteArraySerializer(), new ByteArraySerializer());
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 8; i++) {
                    in.pipeInput(("r-" + i).getBytes(StandardCharsets.UTF_8), body("r-" + i));
                }
            }
        }
        // batching hears every request admission lets through: the 8 first sightings, never a repeat
        assertThat(counted).hasSize(8);
    }

    private static byte[] body(String requestId) {
        return Json.write(Map.of("schemaVersion", 1, "requestId", requestId, "clientId", "team-a",
                "analysisType", "security", "code", "print(1)"));
    }
}

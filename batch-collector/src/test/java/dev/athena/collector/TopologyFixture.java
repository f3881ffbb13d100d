package dev.athena.collector;

import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.collector.state.StoreKind;
import dev.athena.schemas.json.JsonSerde;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The production topology in a TopologyTestDriver, with its topics and a wall-clock the test moves. */
final class TopologyFixture implements AutoCloseable {
    static final Instant START = Instant.parse("2026-11-30T10:00:00Z");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final CollectorMetrics metrics = new CollectorMetrics(registry);
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> requests;
    final TestOutputTopic<String, AnalysisBatch> batches;
    final TestOutputTopic<String, BatchResult> results;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    TopologyFixture(CollectorSettings settings) {
        this(settings, CacheLookup.none());
    }

    TopologyFixture(CollectorSettings settings, CacheLookup cache) {
        this(settings, cache, StoreKind.PERSISTENT);
    }

    TopologyFixture(CollectorSettings settings, CacheLookup cache, StoreKind storeKind) {
        this(settings, cache, storeKind, Intake.MAIN);
    }

    /** The topology of {@code intake}; {@link #requests} is its topic. */
    TopologyFixture(CollectorSettings settings, CacheLookup cache, StoreKind storeKind, Intake intake) {
        Clock clock = Clock.fixed(START, ZoneOffset.UTC);
        driver = new TopologyTestDriver(CollectorTopology.build(settings, clock, metrics, cache, storeKind, intake),
                BatchCollector.streamsConfig(settings), START);
        requests = driver.createInputTopic(intake.topic(), new ByteArraySerializer(), new ByteArraySerializer(),
                START, Duration.ZERO);
        batches = driver.createOutputTopic(Topics.BATCHES, new StringDeserializer(),
                JsonSerde.of(AnalysisBatch.class));
        results = driver.createOutputTopic(Topics.BATCH_RESULTS, new StringDeserializer(),
                JsonSerde.of(BatchResult.class));
        deadLetters = driver.createOutputTopic(Topics.REQUESTS_DLQ, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    void send(String requestId, byte[] body) {
        send(requestId, body, new RecordHeaders());
    }

    void send(String requestId, byte[] body, Headers headers) {
        send(requestId, body, headers, START);
    }

    /** With an explicit record timestamp, which moves stream time. */
    void send(String requestId, byte[] body, Headers headers, Instant timestamp) {
        byte[] key = requestId == null ? null : requestId.getBytes(StandardCharsets.UTF_8);
        requests.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(key, body, headers, timestamp));
    }

    /** The last value of header {@code name} as UTF-8, or null. */
    static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    void advance(long millis) {
        driver.advanceWallClockTime(Duration.ofMillis(millis));
    }

    @Override
    public void close() {
        driver.close();
    }
}

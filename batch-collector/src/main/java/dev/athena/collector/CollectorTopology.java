package dev.athena.collector;

import dev.athena.collector.admission.AdmissionProcessor;
import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.collector.state.StoreKind;
import dev.athena.collector.window.BatchWindowProcessor;
import dev.athena.collector.window.WireBatchSerializer;
import dev.athena.schemas.json.JsonSerde;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.RequestDecoder;
import dev.athena.schemas.validation.RequestLimits;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/**
 * The collector's topology, built by one method that production, tests and the benchmark share.
 *
 * <pre>
 * athena.requests (raw bytes) ─► admission ─┬─► athena.requests.dlq      (original bytes + reason headers)
 *                                           ├─► athena.batch-results     (REJECTED and cached item results)
 *                                           └─► batching ─► athena.batches (key = route)
 * </pre>
 *
 * once per {@link Intake}: {@code athena.requests.bulk}, where repository scans submit, has the same nodes and
 * stores of its own, so its tasks take turns with those of {@code athena.requests}.
 *
 * Values are read as raw bytes so no deserializer can throw; admission decodes them itself.
 */
public final class CollectorTopology {
    public static final Duration SEEN_RETENTION = Duration.ofHours(24);
    static final String SOURCE = "requests";
    static final String ADMISSION = "admission";
    static final String BATCHING = "batching";
    static final String DLQ_SINK = "dead-letters";
    static final String RESULTS_SINK = "direct-results";
    static final String BATCHES_SINK = "batches";

    private CollectorTopology() {
    }

    /** Without a cache. */
    public static Topology build(CollectorSettings settings, Clock clock, CollectorMetrics metrics) {
        return build(settings, clock, metrics, CacheLookup.none());
    }

    public static Topology build(CollectorSettings settings, Clock clock, CollectorMetrics metrics,
            CacheLookup cache) {
        return build(settings, clock, metrics, cache, StoreKind.PERSISTENT);
    }

    /** With another kind of store (tests that drive thousands of commits use in-memory ones; both changelog). */
    static Topology build(CollectorSettings settings, Clock clock, CollectorMetrics metrics, CacheLookup cache,
            StoreKind storeKind) {
        Topology topology = new Topology();
        for (Intake intake : Intake.values()) {
            addAdmission(topology, intake, settings, clock, metrics, cache, storeKind);
            addBatching(topology, intake, settings, metrics, storeKind);
            topology.addSink(intake.node(BATCHES_SINK), Topics.BATCHES, new StringSerializer(),
                    new WireBatchSerializer(), intake.node(BATCHING));
        }
        return topology;
    }

    /**
     * An intake's source, admission with its stores, and its dead-letter and direct-result sinks. Admission
     * forwards what it admits to the intake's node named {@link #BATCHING}, which the caller adds. Sinks are the
     * intake's own: a node shared by two intakes would make them one sub-topology, whose tasks read both topics.
     */
    static void addAdmission(Topology topology, Intake intake, CollectorSettings settings, Clock clock,
            CollectorMetrics metrics, CacheLookup cache, StoreKind storeKind) {
        RequestDecoder decoder = new RequestDecoder(new RequestLimits(settings.maxCodeBytes()));
        String admission = intake.node(ADMISSION);
        var children = new AdmissionProcessor.Children(intake.node(DLQ_SINK), intake.node(RESULTS_SINK),
                intake.node(BATCHING));
        topology.addSource(intake.node(SOURCE), new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                intake.topic());
        topology.addProcessor(admission, () -> new AdmissionProcessor(decoder, cache, clock, metrics,
                SEEN_RETENTION, children, settings.allowedClients(), intake.stores()), intake.node(SOURCE));
        AdmissionProcessor.stores(storeKind, SEEN_RETENTION, intake.stores())
                .forEach(store -> topology.addStateStore(store, admission));
        topology.addSink(children.deadLetters(), Topics.REQUESTS_DLQ, new ByteArraySerializer(),
                new ByteArraySerializer(), admission);
        topology.addSink(children.directResults(), Topics.BATCH_RESULTS, new StringSerializer(),
                JsonSerde.of(BatchResult.class).serializer(), admission);
    }

    /** An intake's windows after its admission; they forward closed batches to children the caller adds. */
    static void addBatching(Topology topology, Intake intake, CollectorSettings settings, CollectorMetrics metrics,
            StoreKind storeKind) {
        String batching = intake.node(BATCHING);
        topology.addProcessor(batching, () -> new BatchWindowProcessor(settings, metrics, intake.stores()),
                intake.node(ADMISSION));
        BatchWindowProcessor.stores(storeKind, intake.stores()).forEach(store -> topology.addStateStore(store,
                batching));
    }
}

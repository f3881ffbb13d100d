package dev.athena.collector;

import dev.athena.collector.admission.AdmissionProcessor;
import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.collector.state.StoreKind;
import dev.athena.collector.window.BatchWindowProcessor;
import dev.athena.collector.window.LanePartitioner;
import dev.athena.collector.window.WireBatchSerializer;
import dev.athena.schemas.json.JsonSerde;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.RequestDecoder;
import dev.athena.schemas.validation.RequestLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The collector's topology, built by one method that production, tests and the benchmark share.
 *
 * <pre>
 * athena.requests (raw bytes) ─► admission ─┬─► athena.requests.dlq      (original bytes + reason headers)
 *                                           ├─► athena.batch-results     (REJECTED and cached item results)
 *                                           └─► batching ─┬─► athena.batches (key = route)
 *                                                         └─► athena.batch-results (EXPIRED: deadline passed
 *                                                                                   waiting for a client's rate)
 * </pre>
 *
 * One such topology per {@link Intake} (its topic in place of {@code athena.requests}): {@code athena.requests} and
 * {@code athena.requests.bulk}, where repository scans submit, are each read by a Streams application of their
 * own ({@link BatchCollector}).
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
    static final String EXPIRED_SINK = "expired-results";

    private CollectorTopology() {
    }

    /** The main intake ({@code athena.requests}), without a cache. */
    public static Topology build(CollectorSettings settings, Clock clock, CollectorMetrics metrics) {
        return build(settings, clock, metrics, CacheLookup.none(), Intake.MAIN);
    }

    /** The topology of one intake, for the Streams application of that intake. */
    public static Topology build(CollectorSettings settings, Clock clock, CollectorMetrics metrics,
            CacheLookup cache, Intake intake) {
        return build(settings, clock, metrics, cache, StoreKind.PERSISTENT, intake);
    }

    /** With another kind of store (tests that drive thousands of commits use in-memory ones; both changelog). */
    static Topology build(CollectorSettings settings, Clock clock, CollectorMetrics metrics, CacheLookup cache,
            StoreKind storeKind, Intake intake) {
        CollectorSettings own = settings.forIntake(intake);
        Topology topology = admission(own, clock, metrics, cache, storeKind, intake);
        addBatching(topology, own, metrics, storeKind);
        topology.addSink(BATCHES_SINK, Topics.BATCHES, new StringSerializer(), new WireBatchSerializer(),
                new LanePartitioner(), BATCHING);
        return topology;
    }

    /**
     * The changelog topics Kafka Streams makes for the logged stores of an intake's application: {@code
     * <application id>-<store>-changelog}, whether or not they exist yet.
     */
    static List<String> changelogTopics(CollectorSettings settings, Intake intake) {
        CollectorSettings own = settings.forIntake(intake);
        String applicationId = intake.applicationId(settings.applicationId());
        return Stream.concat(AdmissionProcessor.stores(StoreKind.PERSISTENT, SEEN_RETENTION).stream(),
                        BatchWindowProcessor.stores(StoreKind.PERSISTENT, own).stream())
                .filter(StoreBuilder::loggingEnabled)
                .map(store -> applicationId + "-" + store.name() + "-changelog").toList();
    }

    /**
     * The intake's source, admission with its stores, and its dead-letter and direct-result sinks. Admission
     * forwards what it admits to a node named {@link #BATCHING}, which the caller adds.
     */
    static Topology admission(CollectorSettings settings, Clock clock, CollectorMetrics metrics, CacheLookup cache,
            StoreKind storeKind, Intake intake) {
        RequestDecoder decoder = new RequestDecoder(new RequestLimits(settings.maxCodeBytes()));
        var children = new AdmissionProcessor.Children(DLQ_SINK, RESULTS_SINK, BATCHING);
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), intake.topic());
        topology.addProcessor(ADMISSION,
                () -> new AdmissionProcessor(decoder, cache, clock, metrics, SEEN_RETENTION, children,
                        settings.allowedClients()), SOURCE);
        AdmissionProcessor.stores(storeKind, SEEN_RETENTION).forEach(store -> topology.addStateStore(store, ADMISSION));
        topology.addSink(DLQ_SINK, Topics.REQUESTS_DLQ, new ByteArraySerializer(), new ByteArraySerializer(),
                ADMISSION);
        topology.addSink(RESULTS_SINK, Topics.BATCH_RESULTS, new StringSerializer(),
                JsonSerde.of(BatchResult.class).serializer(), ADMISSION);
        return topology;
    }

    /**
     * The windows after admission, and the sink of the results of items that expired waiting for their clients'
     * rates; they forward closed batches to a node named {@link #BATCHES_SINK}, which the caller adds.
     */
    static void addBatching(Topology topology, CollectorSettings settings, CollectorMetrics metrics,
            StoreKind storeKind) {
        var children = new BatchWindowProcessor.Children(BATCHES_SINK, EXPIRED_SINK);
        topology.addProcessor(BATCHING, () -> new BatchWindowProcessor(settings, metrics, children), ADMISSION);
        BatchWindowProcessor.stores(storeKind, settings).forEach(store -> topology.addStateStore(store, BATCHING));
        topology.addSink(EXPIRED_SINK, Topics.BATCH_RESULTS, new StringSerializer(),
                JsonSerde.of(BatchResult.class).serializer(), BATCHING);
    }
}

package dev.athena.collector;

import dev.athena.collector.admission.AdmissionProcessor;
import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.collector.state.StoreKind;
import dev.athena.collector.window.BatchWindowProcessor;
import dev.athena.collector.window.WireBatch;
import dev.athena.collector.window.WireBatchSerializer;
import dev.athena.schemas.json.JsonSerde;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.RequestDecoder;
import dev.athena.schemas.validation.RequestLimits;
import java.time.Clock;
import java.util.Locale;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The collector with a stage cut off, for {@link CollectorBenchmark} to tell what each stage costs
 * ({@code -Dbench.variant=}). Nothing here is a way to run the collector: a cut-off stage loses requests.
 */
enum CollectorVariants {
    /** The collector as it runs. */
    FULL,
    /** Admission only (decoding, validation, duplicate ids, cache key); what it admits is dropped. */
    ADMISSION,
    /** Everything, batches serialized as for the topic, but not written to it. */
    UNWRITTEN_BATCHES;

    static CollectorVariants named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    Topology build(CollectorSettings settings, CollectorMetrics metrics) {
        if (this == FULL) {
            return CollectorTopology.build(settings, Clock.systemUTC(), metrics);
        }
        RequestDecoder decoder = new RequestDecoder(new RequestLimits(settings.maxCodeBytes()));
        var children = new AdmissionProcessor.Children(CollectorTopology.DLQ_SINK, CollectorTopology.RESULTS_SINK,
                CollectorTopology.BATCHING);
        Topology topology = new Topology();
        topology.addSource(CollectorTopology.SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                Topics.REQUESTS);
        topology.addProcessor(CollectorTopology.ADMISSION, () -> new AdmissionProcessor(decoder, CacheLookup.none(),
                Clock.systemUTC(), metrics, CollectorTopology.SEEN_RETENTION, children, settings.allowedClients()),
                CollectorTopology.SOURCE);
        AdmissionProcessor.stores(StoreKind.PERSISTENT, CollectorTopology.SEEN_RETENTION)
                .forEach(store -> topology.addStateStore(store, CollectorTopology.ADMISSION));
        if (this == ADMISSION) {
            topology.addProcessor(CollectorTopology.BATCHING, Dropping::new, CollectorTopology.ADMISSION);
        } else {
            topology.addProcessor(CollectorTopology.BATCHING, () -> new BatchWindowProcessor(settings, metrics),
                    CollectorTopology.ADMISSION);
            BatchWindowProcessor.stores(StoreKind.PERSISTENT)
                    .forEach(store -> topology.addStateStore(store, CollectorTopology.BATCHING));
            topology.addProcessor(CollectorTopology.BATCHES_SINK, SerializingOnly::new, CollectorTopology.BATCHING);
        }
        topology.addSink(CollectorTopology.DLQ_SINK, Topics.REQUESTS_DLQ, new ByteArraySerializer(),
                new ByteArraySerializer(), CollectorTopology.ADMISSION);
        topology.addSink(CollectorTopology.RESULTS_SINK, Topics.BATCH_RESULTS, new StringSerializer(),
                JsonSerde.of(BatchResult.class).serializer(), CollectorTopology.ADMISSION);
        return topology;
    }

    private static final class Dropping implements Processor<String, Object, Void, Void> {
        @Override
        public void process(Record<String, Object> record) {
            // admitted requests stop here
        }
    }

    /** Pays for serializing each batch as the sink would, then drops it. */
    private static final class SerializingOnly implements Processor<String, WireBatch, Void, Void> {
        private final WireBatchSerializer serializer = new WireBatchSerializer();
        /** Read by nobody; kept so the JIT cannot drop the serialization as dead code. */
        private long bytes;

        @Override
        public void process(Record<String, WireBatch> record) {
            bytes += serializer.serialize(Topics.BATCHES, record.value()).length;
        }
    }
}

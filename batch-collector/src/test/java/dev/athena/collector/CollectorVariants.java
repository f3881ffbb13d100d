package dev.athena.collector;

import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.collector.state.StoreKind;
import dev.athena.collector.window.WireBatch;
import dev.athena.collector.window.WireBatchSerializer;
import dev.athena.schemas.topic.Topics;
import java.time.Clock;
import java.util.Locale;
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
        Topology topology = CollectorTopology.admission(settings, Clock.systemUTC(), metrics, CacheLookup.none(),
                StoreKind.PERSISTENT, Intake.MAIN);
        if (this == ADMISSION) {
            topology.addProcessor(CollectorTopology.BATCHING, Dropping::new, CollectorTopology.ADMISSION);
        } else {
            CollectorTopology.addBatching(topology, settings, metrics, StoreKind.PERSISTENT);
            topology.addProcessor(CollectorTopology.BATCHES_SINK, SerializingOnly::new, CollectorTopology.BATCHING);
        }
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

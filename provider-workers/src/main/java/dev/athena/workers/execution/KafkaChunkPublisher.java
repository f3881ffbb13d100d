package dev.athena.workers.execution;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.metrics.WorkerMetrics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes chunks to {@code athena.chunks}, keyed by requestId so one request's chunks stay in order. */
public final class KafkaChunkPublisher implements ChunkPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaChunkPublisher.class);

    private final Producer<String, byte[]> producer;
    private final WorkerMetrics metrics;

    public KafkaChunkPublisher(Producer<String, byte[]> producer, WorkerMetrics metrics) {
        this.producer = producer;
        this.metrics = metrics;
    }

    @Override
    public void publish(String requestId, long sequence, String delta, boolean last) {
        AnalysisChunk chunk = new AnalysisChunk(SchemaVersion.CURRENT, requestId, sequence, delta, last);
        producer.send(new ProducerRecord<>(Topics.CHUNKS, requestId, Json.write(chunk)), (meta, error) -> {
            if (error != null) {
                LOG.warn("chunk {} of {} not published: {}", sequence, requestId, error.toString());
            }
        });
        metrics.chunk();
    }
}

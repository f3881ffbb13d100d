package dev.athena.workers.execution;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.metrics.WorkerMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes chunks to {@code athena.chunks}, keyed by requestId so one request's chunks stay in order, with the
 * requester's client in the {@code athena-client-id} header: request ids are each client's own, so a reader
 * following one client's request tells its chunks from another client's under the same id.
 */
public final class KafkaChunkPublisher implements ChunkPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaChunkPublisher.class);

    private final Producer<String, byte[]> producer;
    private final WorkerMetrics metrics;

    public KafkaChunkPublisher(Producer<String, byte[]> producer, WorkerMetrics metrics) {
        this.producer = producer;
        this.metrics = metrics;
    }

    @Override
    public void publish(Requester requester, long sequence, String delta, boolean last) {
        String requestId = requester.requestId();
        AnalysisChunk chunk = new AnalysisChunk(SchemaVersion.CURRENT, requestId, sequence, delta, last);
        var record = new ProducerRecord<>(Topics.CHUNKS, requestId, Json.write(chunk));
        record.headers().add(RequestPartitions.CLIENT_ID_HEADER, requester.clientId().getBytes(StandardCharsets.UTF_8));
        producer.send(record, (meta, error) -> {
            if (error != null) {
                LOG.warn("chunk {} of {} not published: {}", sequence, requestId, error.toString());
            }
        });
        metrics.chunk();
    }
}

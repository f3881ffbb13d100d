package dev.athena.schemas.topic;

import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.message.AnalysisRequest;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition of an intake topic a request goes to: the one of its cache key (murmur2, as Kafka's own
 * partitioner hashes keys), while the record's key stays the request id.
 *
 * <p>Design notes. The collector coalesces identical questions and drops repeated request ids per partition (one
 * task each). Partitioned by request id, as a plain producer does, two clients asking the same question in the same
 * window meet in one task only one time in six; partitioned by cache key they always meet, and a retry (the same
 * request again, so the same key) still meets its first attempt. The gateway, the client library and the scan job
 * all partition this way. A request a plain producer keys by request id is handled alike, only coalesced less
 * often. The same request id sent once each way, or reused for another question, may land on two partitions and
 * is then not known as a repeat.
 */
public final class RequestPartitions {
    /** Names a request record's client, for when its body cannot be read (the collector then still answers it). */
    public static final String CLIENT_ID_HEADER = "athena-client-id";

    private RequestPartitions() {
    }

    public static int of(AnalysisRequest request, int partitions) {
        return of(CacheKey.ofRequested(request).value(), partitions);
    }

    /** For a caller that has the request's {@code CacheKey.ofRequested(..).value()} already. */
    public static int of(String cacheKey, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 but was " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(cacheKey.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * The record of a request as Athena's own producers write it: to its lane's intake ({@link Topics#intakeFor}),
     * on its cache key's partition, keyed by request id, with the {@code athena-client-id} header.
     *
     * @throws org.apache.kafka.common.KafkaException when the intake's partitions cannot be looked up
     */
    public static ProducerRecord<String, byte[]> record(Producer<String, byte[]> producer, AnalysisRequest request,
            String cacheKey, byte[] value) {
        String topic = Topics.intakeFor(request.lane());
        var record = new ProducerRecord<>(topic, of(cacheKey, producer.partitionsFor(topic).size()),
                request.requestId(), value);
        record.headers().add(CLIENT_ID_HEADER, request.clientId().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** As {@link #record(Producer, AnalysisRequest, String, byte[])}, computing the cache key. */
    public static ProducerRecord<String, byte[]> record(Producer<String, byte[]> producer, AnalysisRequest request,
            byte[] value) {
        return record(producer, request, CacheKey.ofRequested(request).value(), value);
    }
}

package dev.athena.workers;

import dev.athena.schemas.topic.Topics;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes batch records to {@code athena.batches} the way the collector does, one acknowledged send each. */
final class BatchTopic {
    private BatchTopic() {
    }

    /** A record keyed by its route, on the partition Kafka's partitioner picks for it. */
    static void send(String bootstrap, String route, byte[] batch) throws ExecutionException, InterruptedException {
        send(bootstrap, null, route, batch);
    }

    /** A record on {@code partition}, or where the key hashes when it is null; records up to the pipeline's limit. */
    static void send(String bootstrap, Integer partition, String route, byte[] batch)
            throws ExecutionException, InterruptedException {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_RECORD_BYTES,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.BATCHES, partition, route, batch)).get();
        }
    }
}

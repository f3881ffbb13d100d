package dev.athena.splitter;

import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.topic.Topics;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Batch result items larger than Kafka's default 1 MB record, and the producer that can write them. */
final class LargeResults {
    static final int FINDINGS = 9_000;

    private LargeResults() {
    }

    /** {@value #FINDINGS} findings of about 260 bytes each: a result of over 2 MB for one requester. */
    static ItemResult manyFindings(String requestId, String client, String run, IntFunction<Severity> severityOf) {
        List<Finding> findings = IntStream.range(0, FINDINGS).mapToObj(i -> new Finding("dangerous-eval",
                severityOf.apply(i), i + 1, "eval() of data read at run time: " + "x".repeat(100),
                "parse the data instead of evaluating it")).toList();
        return new ItemResult("analysis:builtin:rules-1:security:" + run + run + ":00000000",
                List.of(new Requester(requestId, client, null, null)), null, null, ResultStatus.COMPLETED,
                ServedBy.of("builtin", "rules-1"), findings, FINDINGS + " findings", null, null, false);
    }

    static ItemResult failed(String requestId, String client) {
        return new ItemResult(null, List.of(new Requester(requestId, client, null, null)), null, null,
                ResultStatus.FAILED, null, null, null, null, new ErrorInfo("PROVIDER_DOWN", "every provider failed"),
                false);
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_RECORD_BYTES),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}

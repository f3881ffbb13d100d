package dev.athena.collector.admission;

import dev.athena.schemas.validation.Rejection;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** The headers that tell an operator why a record is on the DLQ and where it came from. */
public final class DeadLetter {
    public static final String ERROR_CODE = "athena-error-code";
    public static final String ERROR_MESSAGE = "athena-error-message";
    public static final String SOURCE_TOPIC = "athena-source-topic";
    public static final String SOURCE_PARTITION = "athena-source-partition";
    public static final String SOURCE_OFFSET = "athena-source-offset";

    private DeadLetter() {
    }

    /** The original headers (a copy), plus the reason and the source coordinates. */
    static Headers headers(Headers original, Rejection rejection, RecordMetadata source) {
        RecordHeaders headers = new RecordHeaders(original.toArray());
        put(headers, ERROR_CODE, rejection.reason().name());
        put(headers, ERROR_MESSAGE, rejection.message());
        if (source != null) {
            put(headers, SOURCE_TOPIC, source.topic());
            put(headers, SOURCE_PARTITION, Integer.toString(source.partition()));
            put(headers, SOURCE_OFFSET, Long.toString(source.offset()));
        }
        return headers;
    }

    private static void put(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}

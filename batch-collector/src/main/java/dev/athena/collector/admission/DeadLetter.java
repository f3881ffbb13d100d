package dev.athena.collector.admission;

import dev.athena.schemas.topic.DeadLetterHeaders;
import dev.athena.schemas.validation.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The record that goes to the DLQ for a rejected one: its key, value and headers, plus headers that tell an
 * operator why it is there and where it came from.
 *
 * <p>Design notes. The request topics take records as large as the DLQ does, so a record near that size plus
 * the reason headers would not fit it; the broker would refuse the dead letter, the transaction would fail, and
 * the stream thread would meet the same record again after every restart. Such a record goes to the DLQ cut to
 * fit: first its own headers are dropped if they are large, then the key and the value are cut, and
 * {@link DeadLetterHeaders#TRUNCATED} says what was cut and how large it was.
 */
public final class DeadLetter {
    /** Room for the record batch's and the record's own framing, beside what is counted. */
    static final int FRAMING = 4 * 1024;
    /** Room for the {@link DeadLetterHeaders#TRUNCATED} header itself: its name, three numbers and their labels. */
    static final int MARKER_ROOM = 128;
    /** Original headers larger than this are dropped when the dead letter would not fit otherwise. */
    static final int MAX_KEPT_HEADER_BYTES = 64 * 1024;
    /** A key longer than this is no request id (128 characters at most); cut when the dead letter must shrink. */
    static final int MAX_KEPT_KEY_BYTES = 1024;

    private DeadLetter() {
    }

    /** The dead letter of {@code original}, within {@code limit} bytes (the DLQ's record size). */
    static Record<Object, Object> of(Record<byte[], byte[]> original, Rejection rejection, RecordMetadata source,
            int limit) {
        byte[] key = original.key();
        byte[] value = original.value();
        Header[] originalHeaders = original.headers().toArray();
        Headers headers = withReason(originalHeaders, rejection, source);
        int originalHeaderBytes = size(originalHeaders);
        if (length(key) + length(value) + size(headers.toArray()) + FRAMING <= limit) {
            return new Record<>(key, value, original.timestamp(), headers);
        }
        List<String> cut = new ArrayList<>();
        if (originalHeaderBytes > MAX_KEPT_HEADER_BYTES) {
            headers = withReason(new Header[0], rejection, source);
            cut.add("headers=" + originalHeaderBytes);
        }
        if (length(key) > MAX_KEPT_KEY_BYTES) {
            cut.add("key=" + key.length);
            key = Arrays.copyOf(key, MAX_KEPT_KEY_BYTES);
        }
        int room = Math.max(0, limit - FRAMING - MARKER_ROOM - length(key) - size(headers.toArray()));
        if (length(value) > room) {
            cut.add("value=" + value.length);
            value = Arrays.copyOf(value, room);
        }
        put(headers, DeadLetterHeaders.TRUNCATED, String.join(",", cut));
        return new Record<>(key, value, original.timestamp(), headers);
    }

    private static Headers withReason(Header[] original, Rejection rejection, RecordMetadata source) {
        RecordHeaders headers = new RecordHeaders(original);
        put(headers, DeadLetterHeaders.ERROR_CODE, rejection.reason().name());
        put(headers, DeadLetterHeaders.ERROR_MESSAGE, rejection.message());
        if (source != null) {
            put(headers, DeadLetterHeaders.SOURCE_TOPIC, source.topic());
            put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
            put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
        }
        return headers;
    }

    private static int size(Header[] headers) {
        int bytes = 0;
        for (Header header : headers) {
            // name and value, with a few bytes of length prefixes each
            bytes += header.key().getBytes(StandardCharsets.UTF_8).length + length(header.value()) + 10;
        }
        return bytes;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}

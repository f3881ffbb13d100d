package dev.athena.collector.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.topic.DeadLetterHeaders;
import dev.athena.schemas.validation.Rejection;
import dev.athena.schemas.validation.RejectionReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
    private static final int LIMIT = 200_000;
    private static final Rejection REJECTION = new Rejection(RejectionReason.CODE_TOO_LARGE, "code",
            "field 'code' is 190000 bytes, over the limit of 1024 bytes", "r-1", "team-a");

    @Test
    void shouldKeepARecordThatFitsAsItIs() {
        byte[] value = filled(LIMIT / 2);
        Record<Object, Object> dead = DeadLetter.of(record(utf8("r-1"), value, new RecordHeaders()
                .add("traceparent", utf8("00-abc-def-01"))), REJECTION, null, LIMIT);

        assertThat(dead.value() == value).as("the value, as it was").isTrue();
        assertThat(header(dead.headers(), "traceparent")).isEqualTo("00-abc-def-01");
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CODE)).isEqualTo("CODE_TOO_LARGE");
        assertThat(header(dead.headers(), DeadLetterHeaders.TRUNCATED)).isNull();
    }

    @Test
    void shouldCutTheValueOfARecordThatWouldNotFitWithItsReason() {
        byte[] value = filled(LIMIT - 100);
        Record<Object, Object> dead = DeadLetter.of(record(utf8("r-1"), value, new RecordHeaders()), REJECTION,
                null, LIMIT);

        byte[] kept = (byte[]) dead.value();
        assertThat(Arrays.equals(kept, Arrays.copyOf(value, kept.length))).as("a prefix of the value").isTrue();
        assertThat(kept.length).isGreaterThan(LIMIT - DeadLetter.FRAMING - 500);
        assertThat(header(dead.headers(), DeadLetterHeaders.TRUNCATED)).isEqualTo("value=" + value.length);
        assertThat(sizeOf(dead)).isLessThanOrEqualTo(LIMIT);
    }

    @Test
    void shouldDropLargeOriginalHeadersAndCutALongKeyBeforeCuttingTheValue() {
        Headers headers = new RecordHeaders().add("padding", filled(DeadLetter.MAX_KEPT_HEADER_BYTES + 1));
        byte[] key = filled(5_000);
        byte[] value = filled(LIMIT - 60_000);
        Record<Object, Object> dead = DeadLetter.of(record(key, value, headers), REJECTION, null, LIMIT);

        assertThat(header(dead.headers(), "padding")).as("the original header").isNull();
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo(REJECTION.message());
        assertThat(((byte[]) dead.key()).length).isEqualTo(DeadLetter.MAX_KEPT_KEY_BYTES);
        assertThat(dead.value() == value).as("the value, not cut").isTrue();
        assertThat(header(dead.headers(), DeadLetterHeaders.TRUNCATED))
                .isEqualTo("headers=" + (DeadLetter.MAX_KEPT_HEADER_BYTES + 1 + "padding".length() + 10)
                        + ",key=5000");
        assertThat(sizeOf(dead)).isLessThanOrEqualTo(LIMIT);
    }

    private static Record<byte[], byte[]> record(byte[] key, byte[] value, Headers headers) {
        return new Record<>(key, value, 1_000L, headers);
    }

    private static int sizeOf(Record<Object, Object> dead) {
        int bytes = ((byte[]) dead.key()).length + ((byte[]) dead.value()).length + DeadLetter.FRAMING;
        for (Header header : dead.headers().toArray()) {
            bytes += header.key().length() + header.value().length + 10;
        }
        return bytes;
    }

    private static byte[] filled(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

package dev.athena.collector.window;

import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes an {@link AnalysisBatch} as the shared mapper would, except that each item's {@code request} is the
 * request's original JSON, spliced in raw. That JSON passed admission's decoder (valid UTF-8, one JSON object,
 * every field of the contract well typed), so the batch stays valid; readers of batches ignore unknown fields.
 *
 * <p>Design notes: the envelope is a handful of fixed fields, so it is written by hand into one array sized up
 * front; going through a generator meant decoding every request into a String only to encode it again, and it
 * was the largest single cost of closing a window. Strings are escaped as the mapper escapes them (quote,
 * backslash and control characters; everything else as UTF-8), which {@code WireBatchSerializerTest} checks.
 * A batch is written into a buffer kept per thread and copied out once at its exact size: the buffer sized for
 * the worst case, allocated per batch and trimmed, was a fifth of all the memory the stream thread allocated.
 */
public final class WireBatchSerializer implements Serializer<WireBatch> {
    /** Field names, punctuation and typical ids of one requester: enough that the array rarely grows. */
    private static final int ENVELOPE_PER_REQUESTER = 192;
    private static final byte[] FIRST_ITEM = ascii("{\"cacheKey\":");
    private static final byte[] NEXT_ITEM = ascii(",{\"cacheKey\":");
    private static final byte[] REQUEST = ascii(",\"request\":");
    private static final byte[] REQUESTERS = ascii(",\"requesters\":[");
    private static final byte[] FIRST_REQUESTER = ascii("{\"requestId\":");
    private static final byte[] NEXT_REQUESTER = ascii(",{\"requestId\":");
    private static final byte[] CLIENT_ID = ascii(",\"clientId\":");
    private static final byte[] REPLY_TO = ascii(",\"replyTo\":");
    private static final byte[] TRACEPARENT = ascii(",\"traceparent\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] END_OBJECT = ascii("}");
    private static final byte[] END_ITEM = ascii("]}");
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** Larger buffers are not kept: one batch that size must not pin that much heap on every stream thread. */
    static final int MAX_KEPT_BUFFER = 1 << 20;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    @Override
    public byte[] serialize(String topic, WireBatch wire) {
        if (wire == null) {
            return null;
        }
        AnalysisBatch batch = wire.batch();
        int size = 256;
        for (int i = 0; i < batch.items().size(); i++) {
            BatchItem item = batch.items().get(i);
            size += wire.requestBytes().get(i).length + item.cacheKey().length() + 64
                    + item.requesters().size() * ENVELOPE_PER_REQUESTER;
        }
        byte[] kept = BUFFER.get();
        Out out = new Out(kept.length >= size ? kept : new byte[size]);
        out.ascii("{\"schemaVersion\":").ascii(Integer.toString(batch.schemaVersion()));
        out.ascii(",\"batchId\":").string(batch.batchId());
        out.ascii(",\"route\":").string(batch.route());
        out.ascii(",\"windowStart\":").instant(batch.windowStart());
        out.ascii(",\"windowEnd\":").instant(batch.windowEnd());
        out.ascii(",\"items\":[");
        for (int i = 0; i < batch.items().size(); i++) {
            BatchItem item = batch.items().get(i);
            out.raw(i == 0 ? FIRST_ITEM : NEXT_ITEM).string(item.cacheKey());
            out.raw(REQUEST).raw(wire.requestBytes().get(i));
            out.raw(REQUESTERS);
            for (int r = 0; r < item.requesters().size(); r++) {
                Requester requester = item.requesters().get(r);
                out.raw(r == 0 ? FIRST_REQUESTER : NEXT_REQUESTER).string(requester.requestId());
                out.raw(CLIENT_ID).string(requester.clientId());
                out.raw(REPLY_TO).string(requester.replyTo());
                out.raw(TRACEPARENT).string(requester.traceparent());
                out.raw(END_OBJECT);
            }
            out.raw(END_ITEM);
        }
        out.ascii("]}");
        if (out.bytes != kept && out.bytes.length <= MAX_KEPT_BUFFER) {
            BUFFER.set(out.bytes);
        }
        return Arrays.copyOf(out.bytes, out.size);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A growable byte array; not thread-safe, one per call. */
    private static final class Out {
        private byte[] bytes;
        private int size;

        Out(byte[] buffer) {
            bytes = buffer;
        }

        Out ascii(String text) {
            ensure(text.length());
            for (int i = 0; i < text.length(); i++) {
                bytes[size++] = (byte) text.charAt(i);
            }
            return this;
        }

        Out raw(byte[] json) {
            ensure(json.length);
            System.arraycopy(json, 0, bytes, size, json.length);
            size += json.length;
            return this;
        }

        Out instant(Instant value) {
            return value == null ? raw(NULL) : ascii("\"").ascii(value.toString()).ascii("\"");
        }

        Out string(String value) {
            if (value == null) {
                return raw(NULL);
            }
            // ISO-8859-1 gives a Latin-1 string's own bytes in one copy and '?' for any character beyond: a
            // string whose bytes are all plain (PlainBytes) is exactly those bytes in JSON: one copy and a check
            // eight bytes at a time, where ids and cache keys, nearly always plain, went char by char.
            byte[] latin = value.getBytes(StandardCharsets.ISO_8859_1);
            if (PlainBytes.all(latin)) {
                ensure(latin.length + 2);
                bytes[size++] = '"';
                System.arraycopy(latin, 0, bytes, size, latin.length);
                size += latin.length;
                bytes[size++] = '"';
                return this;
            }
            int n = value.length();
            ensure(n + 2);
            bytes[size++] = '"';
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                    bytes[size++] = (byte) c;
                } else {
                    // the rare string that needs escapes or is not ASCII: the rest goes the slower way
                    ensure((n - i) * 6 + 1);
                    escaped(value.substring(i));
                    break;
                }
            }
            bytes[size++] = '"';
            return this;
        }

        private void escaped(String rest) {
            for (int i = 0; i < rest.length(); i++) {
                char c = rest.charAt(i);
                if (c == '"' || c == '\\') {
                    bytes[size++] = '\\';
                    bytes[size++] = (byte) c;
                } else if (c < 0x20) {
                    escapeControl(c);
                } else if (c < 0x80) {
                    bytes[size++] = (byte) c;
                } else if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < rest.length()
                        && Character.isLowSurrogate(rest.charAt(i + 1)))) {
                    escape(c); // a lone surrogate has no UTF-8 form; the mapper escapes it too
                } else {
                    int end = Character.isHighSurrogate(c) ? i + 2 : i + 1;
                    byte[] encoded = rest.substring(i, end).getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(encoded, 0, bytes, size, encoded.length);
                    size += encoded.length;
                    i = end - 1;
                }
            }
        }

        /** As the mapper writes them: the short escape where JSON has one, else a six-character unicode escape. */
        private void escapeControl(char c) {
            bytes[size++] = '\\';
            switch (c) {
                case '\n' -> bytes[size++] = 'n';
                case '\r' -> bytes[size++] = 'r';
                case '\t' -> bytes[size++] = 't';
                case '\b' -> bytes[size++] = 'b';
                case '\f' -> bytes[size++] = 'f';
                default -> {
                    size--;
                    escape(c);
                }
            }
        }

        private void escape(char c) {
            bytes[size++] = '\\';
            bytes[size++] = 'u';
            bytes[size++] = HEX[(c >> 12) & 0xF];
            bytes[size++] = HEX[(c >> 8) & 0xF];
            bytes[size++] = HEX[(c >> 4) & 0xF];
            bytes[size++] = HEX[c & 0xF];
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }
}

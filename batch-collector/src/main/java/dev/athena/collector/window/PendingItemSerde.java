package dev.athena.collector.window;

import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.validation.Decoded;
import dev.athena.schemas.validation.RequestDecoder;
import dev.athena.schemas.validation.RequestLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The items store's value format: a small binary header (tokens, window start, cache key, requesters) followed by
 * the request's original bytes. Writing it copies bytes instead of encoding JSON, which every admitted request
 * paid for once more than the batch itself. Reading it (only when a task rebuilds its windows) decodes the
 * request bytes again with the same decoder that admitted them, without the size limit, so a lowered limit cannot
 * strand an item admitted under the old one.
 *
 * <p>Layout, version 1: {@code byte 1, long tokens, long windowOpenedAtMs, utf cacheKey, int n,
 * n × (utf requestId, utf clientId, nullable utf replyTo, nullable utf traceparent), int length, bytes}.
 */
final class PendingItemSerde implements Serde<PendingItem>, Serializer<PendingItem>, Deserializer<PendingItem> {
    private static final byte VERSION = 1;
    private static final RequestDecoder DECODER = new RequestDecoder(new RequestLimits(Integer.MAX_VALUE));

    @Override
    public byte[] serialize(String topic, PendingItem pending) {
        if (pending == null) {
            return null;
        }
        BatchItem item = pending.item();
        byte[] request = pending.requestBytes();
        var bytes = new ByteArrayOutputStream(request.length + 128 + 96 * item.requesters().size());
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(pending.tokens());
            out.writeLong(pending.windowOpenedAtMs());
            out.writeUTF(item.cacheKey());
            out.writeInt(item.requesters().size());
            for (Requester requester : item.requesters()) {
                out.writeUTF(requester.requestId());
                out.writeUTF(requester.clientId());
                writeNullable(out, requester.replyTo());
                writeNullable(out, requester.traceparent());
            }
            out.writeInt(request.length);
            out.write(request);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return bytes.toByteArray();
    }

    @Override
    public PendingItem deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (var in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException("unknown pending item format version " + version);
            }
            long tokens = in.readLong();
            long openedAt = in.readLong();
            String cacheKey = in.readUTF();
            int n = in.readInt();
            List<Requester> requesters = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                requesters.add(new Requester(in.readUTF(), in.readUTF(), readNullable(in), readNullable(in)));
            }
            int length = in.readInt();
            byte[] request = in.readNBytes(length);
            if (request.length != length) {
                throw new SerializationException("truncated pending item: " + request.length + " of " + length
                        + " request bytes");
            }
            return switch (DECODER.decode(request)) {
                case Decoded.Accepted accepted -> new PendingItem(new BatchItem(cacheKey, accepted.request(),
                        requesters), tokens, openedAt, request);
                case Decoded.Rejected rejected -> throw new SerializationException("stored request no longer "
                        + "decodes: " + rejected.rejection().reason() + " " + rejected.rejection().message());
            };
        } catch (IOException e) {
            throw new SerializationException("truncated pending item of " + data.length + " bytes", e);
        }
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public Serializer<PendingItem> serializer() {
        return this;
    }

    @Override
    public Deserializer<PendingItem> deserializer() {
        return this;
    }
}

package dev.athena.collector.window;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JsonGenerator;

/**
 * Writes an {@link AnalysisBatch} as the shared mapper would, except that each item's {@code request} is the
 * request's original JSON, spliced in raw. That JSON passed admission's decoder (valid UTF-8, one JSON object,
 * every field of the contract well typed), so the batch stays valid; readers of batches ignore unknown fields.
 */
public final class WireBatchSerializer implements Serializer<WireBatch> {
    @Override
    public byte[] serialize(String topic, WireBatch wire) {
        if (wire == null) {
            return null;
        }
        AnalysisBatch batch = wire.batch();
        int size = 256;
        for (byte[] request : wire.requestBytes()) {
            size += request.length + 256;
        }
        var out = new ByteArrayOutputStream(size);
        try (JsonGenerator gen = Json.mapper().createGenerator(out)) {
            gen.writeStartObject();
            gen.writeNumberProperty("schemaVersion", batch.schemaVersion());
            gen.writeStringProperty("batchId", batch.batchId());
            gen.writeStringProperty("route", batch.route());
            writeInstant(gen, "windowStart", batch.windowStart());
            writeInstant(gen, "windowEnd", batch.windowEnd());
            gen.writeArrayPropertyStart("items");
            for (int i = 0; i < batch.items().size(); i++) {
                BatchItem item = batch.items().get(i);
                gen.writeStartObject();
                gen.writeStringProperty("cacheKey", item.cacheKey());
                gen.writeName("request");
                gen.writeRawValue(new String(wire.requestBytes().get(i), StandardCharsets.UTF_8));
                gen.writeName("requesters");
                gen.writePOJO(item.requesters());
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeInstant(JsonGenerator gen, String name, java.time.Instant value) {
        if (value == null) {
            gen.writeNullProperty(name);
        } else {
            gen.writeStringProperty(name, value.toString());
        }
    }
}

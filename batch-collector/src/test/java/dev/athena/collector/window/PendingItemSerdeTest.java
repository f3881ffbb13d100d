package dev.athena.collector.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.validation.Decoded;
import dev.athena.schemas.validation.RequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class PendingItemSerdeTest {
    private static final byte[] WIRE = ("{ \"schemaVersion\": 1.0, \"requestId\": \"r-1\", \"clientId\": \"team-a\","
            + " \"analysisType\": \"security\", \"code\": \"print('é')\", \"lane\": \"bulk\","
            + " \"options\": {\"depth\": 2}, \"deadline\": \"2026-11-30T10:15:00Z\", \"extra\": true }")
            .getBytes(StandardCharsets.UTF_8);

    private final PendingItemSerde serde = new PendingItemSerde();

    @Test
    void shouldRoundTripCoalescedItemKeepingTheWireBytes() {
        AnalysisRequest request = ((Decoded.Accepted) RequestDecoder.ofDefaults().decode(WIRE)).request();
        var requesters = List.of(new Requester("r-1", "team-a", "reply.a", "00-abc-01"),
                new Requester("r-2", "team-b", null, null));
        var pending = new PendingItem(new BatchItem("key-1", request, requesters), 42, 1_700_000_000_123L, WIRE);

        PendingItem back = serde.deserialize("t", serde.serialize("t", pending));

        assertThat(back.item()).isEqualTo(pending.item());
        assertThat(back.tokens()).isEqualTo(42);
        assertThat(back.windowOpenedAtMs()).isEqualTo(1_700_000_000_123L);
        assertThat(back.requestBytes()).isEqualTo(WIRE);
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void shouldFailLoudlyOnTruncatedOrForeignValues() {
        AnalysisRequest request = ((Decoded.Accepted) RequestDecoder.ofDefaults().decode(WIRE)).request();
        byte[] bytes = serde.serialize("t", new PendingItem(new BatchItem("k", request,
                List.of(Requester.of(request, null))), 1, 1, WIRE));
        assertThatThrownBy(() -> serde.deserialize("t", Arrays.copyOf(bytes, bytes.length - 5)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserialize("t", "{\"item\":{}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("version");
    }
}

package dev.athena.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.SampleMessages;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {
    private final JsonSerde<AnalysisResult> serde = JsonSerde.of(AnalysisResult.class);

    @Test
    void shouldRoundTripThroughKafkaSerializerAndDeserializer() {
        AnalysisResult result = SampleMessages.completedResult();

        byte[] bytes = serde.serializer().serialize("athena.results.team-a", result);

        assertThat(serde.deserializer().deserialize("athena.results.team-a", bytes)).isEqualTo(result);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"schemaVersion\":1,");
    }

    @Test
    void shouldPassNullThroughAsTombstone() {
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void shouldRaiseKafkaSerializationExceptionOnGarbageNamingTopicAndType() {
        byte[] garbage = {(byte) 0xFF, 0x00, '{', '"'};

        assertThatThrownBy(() -> serde.deserialize("athena.results.team-a", garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("athena.results.team-a")
                .hasMessageContaining("AnalysisResult")
                .hasCauseInstanceOf(JsonContractException.class);
    }

    @Test
    void shouldRaiseKafkaSerializationExceptionOnValidJsonThatBreaksTheContract() {
        JsonSerde<AnalysisRequest> requests = JsonSerde.of(AnalysisRequest.class);

        assertThatThrownBy(() -> requests.deserialize("athena.requests", "{\"schemaVersion\":1}".getBytes(
                StandardCharsets.UTF_8))).isInstanceOf(SerializationException.class)
                .hasMessageContaining("AnalysisRequest");
        assertThatThrownBy(() -> requests.deserialize("athena.requests", "[1,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> requests.deserialize("athena.requests", new byte[0]))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldConfigureAndCloseAsANoOp() {
        serde.configure(Map.of("anything", "x"), false);
        serde.close();

        assertThat(serde.serializer()).isSameAs(serde);
        assertThat(serde.deserializer()).isSameAs(serde);
        assertThat(serde.deserialize("t", serde.serialize("t", SampleMessages.rejectedResult())))
                .isEqualTo(SampleMessages.rejectedResult());
    }
}

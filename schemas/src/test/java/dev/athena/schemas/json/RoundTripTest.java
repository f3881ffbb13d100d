package dev.athena.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.JsonSchemas;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.CachedAnalysis;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Route;
import dev.athena.schemas.message.SampleMessages;
import dev.athena.schemas.message.ServedBy;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

class RoundTripTest {

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of("full request", SampleMessages.fullRequest()),
                Arguments.of("minimal request", SampleMessages.minimalRequest()),
                Arguments.of("batch", SampleMessages.batch()),
                Arguments.of("batch item", SampleMessages.batch().items().getFirst()),
                Arguments.of("requester", SampleMessages.requester()),
                Arguments.of("batch result", SampleMessages.batchResult()),
                Arguments.of("completed item", SampleMessages.completedItem()),
                Arguments.of("failed item", SampleMessages.failedItem()),
                Arguments.of("completed result", SampleMessages.completedResult()),
                Arguments.of("rejected result", SampleMessages.rejectedResult()),
                Arguments.of("chunk", SampleMessages.chunk()),
                Arguments.of("cached analysis", SampleMessages.cached()),
                Arguments.of("finding", SampleMessages.finding()),
                Arguments.of("usage", SampleMessages.usage()),
                Arguments.of("served by", new ServedBy("openai", "gpt-4o", true)),
                Arguments.of("error", new ErrorInfo("PROVIDER_TIMEOUT", "no answer in 30 s")),
                Arguments.of("route", new Route("openai", "gpt-4o", Lane.BULK)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void shouldRoundTripThroughJson(String name, Record value) {
        byte[] bytes = Json.write(value);

        Object back = Json.read(bytes, value.getClass());

        assertThat(back).isEqualTo(value);
        assertThat(Json.writeString(back)).isEqualTo(Json.writeString(value));
        assertThat(Json.read(Json.writeString(value), value.getClass())).isEqualTo(value);
    }

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of(SampleMessages.fullRequest()), Arguments.of(SampleMessages.minimalRequest()),
                Arguments.of(SampleMessages.batch()), Arguments.of(SampleMessages.batchResult()),
                Arguments.of(SampleMessages.completedResult()), Arguments.of(SampleMessages.rejectedResult()),
                Arguments.of(SampleMessages.chunk()), Arguments.of(SampleMessages.cached()));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void shouldWriteWhatItsSchemaAccepts(Record message) {
        String resource = JsonSchemas.resourceFor(message.getClass());

        assertThat(dev.athena.schemas.ContractSchemasAccess.validate(resource, Json.write(message))).isEmpty();
    }

    @Test
    void shouldWriteEnumsInTheirWireCase() {
        JsonNode request = Json.tree(Json.write(SampleMessages.fullRequest()));
        JsonNode result = Json.tree(Json.write(SampleMessages.completedResult()));

        assertThat(request.get("analysisType").asString()).isEqualTo("security");
        assertThat(request.get("lane").asString()).isEqualTo("bulk");
        assertThat(result.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(result.at("/findings/0/severity").asString()).isEqualTo("critical");
    }

    @Test
    void shouldWriteInstantsAsIsoStrings() {
        JsonNode request = Json.tree(Json.write(SampleMessages.fullRequest()));

        assertThat(request.get("createdAt").isString()).isTrue();
        assertThat(request.get("createdAt").asString()).isEqualTo("2026-11-30T10:15:00.123456789Z");
        assertThat(request.get("deadline").asString()).isEqualTo("2026-11-30T10:20:00Z");
    }

    @Test
    void shouldWriteTheLastChunkFlagAsFinal() {
        JsonNode chunk = Json.tree(Json.write(SampleMessages.chunk()));

        assertThat(chunk.get("final").asBoolean()).isTrue();
        assertThat(chunk.has("last")).isFalse();
        assertThat(Json.read("{\"schemaVersion\":1,\"requestId\":\"r\",\"sequence\":2,\"final\":true}",
                AnalysisChunk.class).last()).isTrue();
    }

    @Test
    void shouldWriteOptionsSortedSoEqualRequestsSerialiseEqually() {
        String json = Json.writeString(SampleMessages.fullRequest());

        assertThat(json).contains("\"options\":{\"focus\":\"injection\",\"maxFindings\":\"20\"}");
        java.util.Map<String, String> many = new java.util.LinkedHashMap<>();
        for (int i = 9; i >= 0; i--) {
            many.put("k" + i, "v" + i);
        }
        AnalysisRequest request = new AnalysisRequest(1, "r", "c", dev.athena.schemas.message.AnalysisType.QUALITY,
                null, null, "x", null, null, null, many, null, null, null, null);
        JsonNode options = Json.tree(Json.write(request)).get("options");
        assertThat(options.propertyNames()).containsExactly("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8",
                "k9");
    }

    @Test
    void shouldIgnoreUnknownFieldsAndDefaultMissingOnes() {
        AnalysisRequest request = Json.read("{\"schemaVersion\":1,\"requestId\":\"r\",\"clientId\":\"c\","
                + "\"analysisType\":\"quality\",\"code\":\"x\",\"fromTheFuture\":{\"a\":[1,2]}}", AnalysisRequest.class);
        AnalysisResult result = Json.read("{\"schemaVersion\":1,\"requestId\":\"r\",\"status\":\"FAILED\"}",
                AnalysisResult.class);

        assertThat(request.lane()).isEqualTo(Lane.INTERACTIVE);
        assertThat(request.options()).isEmpty();
        assertThat(result.findings()).isEmpty();
        assertThat(result.usage().costUsd()).isZero();
    }

    @Test
    void shouldNameWhatIsWrongWhenARecordCannotBeRead() {
        assertThatThrownBy(() -> Json.read("{\"schemaVersion\":1,\"requestId\":\"r\","
                + "\"clientId\":\"c\",\"analysisType\":\"poetry\",\"code\":\"x\"}", AnalysisRequest.class))
                .isInstanceOf(JsonContractException.class)
                .hasMessageContaining("AnalysisRequest").hasMessageContaining("poetry");
        assertThatThrownBy(() -> Json.read("{\"batchId\":\"b\"}".getBytes(),
                AnalysisBatch.class)).isInstanceOf(JsonContractException.class).hasMessageContaining("AnalysisBatch");
        assertThatThrownBy(() -> Json.tree("{".getBytes()))
                .isInstanceOf(JsonContractException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> Json.read("[]", CachedAnalysis.class))
                .isInstanceOf(JsonContractException.class);
        assertThat(Json.read("{\"schemaVersion\":1,\"batchId\":\"b\",\"items\":[]}", BatchResult.class).items())
                .isEmpty();
    }
}

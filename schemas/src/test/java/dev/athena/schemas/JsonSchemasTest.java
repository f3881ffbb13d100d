package dev.athena.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.CachedAnalysis;
import dev.athena.schemas.message.Finding;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class JsonSchemasTest {

    @Test
    void shouldShipEverySchemaAsDraft202012WithItsOwnId() {
        assertThat(JsonSchemas.all()).hasSize(7);
        for (String resource : JsonSchemas.all()) {
            JsonNode schema = Json.tree(JsonSchemas.read(resource).getBytes(StandardCharsets.UTF_8));
            assertThat(schema.get("$schema").asString()).as(resource)
                    .isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(schema.get("$id").asString()).as(resource).isEqualTo(JsonSchemas.idOf(resource));
            assertThat(schema.get("description").asString()).as(resource).hasSizeGreaterThan(40);
            assertThat(schema.at("/properties/schemaVersion/const").asInt()).as(resource).isEqualTo(1);
            assertThat(schema.at("/required").valueStream().map(JsonNode::asString).toList()).as(resource)
                    .contains("schemaVersion");
            assertThat(ContractSchemas.load(resource)).as(resource).isNotNull();
        }
    }

    @Test
    void shouldDescribeEveryPropertyOfEverySchema() {
        for (String resource : JsonSchemas.all()) {
            JsonNode schema = Json.tree(JsonSchemas.read(resource).getBytes(StandardCharsets.UTF_8));
            assertEveryPropertyDescribed(resource, schema);
        }
    }

    private static void assertEveryPropertyDescribed(String where, JsonNode node) {
        JsonNode properties = node.get("properties");
        if (properties != null && node.has("type")) {
            for (var entry : properties.properties()) {
                assertThat(entry.getValue().has("description")).as(where + " property " + entry.getKey()).isTrue();
            }
        }
        JsonNode defs = node.get("$defs");
        if (defs != null) {
            for (var entry : defs.properties()) {
                assertEveryPropertyDescribed(where + "#/$defs/" + entry.getKey(), entry.getValue());
            }
        }
    }

    @Test
    void shouldRequireExactlyWhatTheDecoderRequiresOfARequest() {
        JsonNode schema = Json.tree(JsonSchemas.read(JsonSchemas.ANALYSIS_REQUEST).getBytes(StandardCharsets.UTF_8));

        assertThat(schema.at("/required").valueStream().map(JsonNode::asString).toList())
                .containsExactly("schemaVersion", "requestId", "clientId", "analysisType", "code");
        assertThat(schema.get("additionalProperties").asBoolean()).isTrue();
    }

    @Test
    void shouldListAPropertyForEveryRecordComponentOfEveryMessage() {
        for (Class<?> type : List.of(AnalysisRequest.class, AnalysisBatch.class, BatchResult.class,
                AnalysisResult.class, AnalysisChunk.class, CachedAnalysis.class)) {
            String resource = JsonSchemas.resourceFor(type);
            JsonNode properties = Json.tree(JsonSchemas.read(resource).getBytes(StandardCharsets.UTF_8))
                    .get("properties");
            List<String> wireNames = java.util.Arrays.stream(type.getRecordComponents())
                    .map(c -> c.getName().equals("last") ? "final" : c.getName()).toList();
            assertThat(properties.propertyNames()).as(resource).containsExactlyInAnyOrderElementsOf(wireNames);
        }
    }

    @Test
    void shouldRefuseResourceForANonMessageType() {
        assertThatThrownBy(() -> JsonSchemas.resourceFor(Finding.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dev.athena.schemas.message.Finding");
        assertThatThrownBy(() -> JsonSchemas.idOf("other/x.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'other/x.json'");
        assertThatThrownBy(() -> JsonSchemas.read("schemas/nope.schema.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.schema.json");
    }
}

package dev.athena.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.SampleMessages;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The schemas of the internal messages reject what the Java records would not accept or never write. */
class MessageSchemasTest {

    private static ObjectNode tree(Record message) {
        return (ObjectNode) Json.tree(Json.write(message));
    }

    @Test
    void shouldRequireServedByAndCacheKeyOfACompletedItem() {
        ObjectNode batchResult = tree(SampleMessages.batchResult());
        ((ObjectNode) batchResult.at("/items/0")).putNull("servedBy");

        assertThat(ContractSchemas.validate(JsonSchemas.BATCH_RESULT, batchResult)).isNotEmpty();

        ((ObjectNode) batchResult.at("/items/0")).remove("servedBy");
        assertThat(ContractSchemas.validate(JsonSchemas.BATCH_RESULT, batchResult))
                .anySatisfy(e -> assertThat(e.getMessage()).contains("servedBy"));
    }

    @Test
    void shouldRequireAnErrorOfAnItemThatDidNotComplete() {
        ObjectNode batchResult = tree(SampleMessages.batchResult());
        ((ObjectNode) batchResult.at("/items/1")).putNull("error");

        assertThat(ContractSchemas.validate(JsonSchemas.BATCH_RESULT, batchResult)).isNotEmpty();
    }

    @Test
    void shouldCheckSharedDefinitionsAcrossFiles() {
        ObjectNode cached = tree(SampleMessages.cached());
        ((ObjectNode) cached.at("/findings/0")).put("severity", "HIGH");
        ObjectNode batch = tree(SampleMessages.batch());
        ((ObjectNode) batch.at("/items/0/request")).put("analysisType", "poetry");
        ObjectNode noRequesters = tree(SampleMessages.batch());
        ((ObjectNode) noRequesters.at("/items/0")).putArray("requesters");

        assertThat(ContractSchemas.validate(JsonSchemas.CACHED_ANALYSIS, cached)).isNotEmpty();
        assertThat(ContractSchemas.validate(JsonSchemas.ANALYSIS_BATCH, batch)).isNotEmpty();
        assertThat(ContractSchemas.validate(JsonSchemas.ANALYSIS_BATCH, noRequesters)).isNotEmpty();
    }

    @Test
    void shouldRejectAResultWithAnUnknownStatusOrLowerCaseStatus() {
        ObjectNode result = tree(SampleMessages.completedResult());
        result.put("status", "completed");

        assertThat(ContractSchemas.validate(JsonSchemas.ANALYSIS_RESULT, result))
                .anySatisfy(e -> assertThat(e.getInstanceLocation().toString()).contains("status"));
    }

    @Test
    void shouldRejectANegativeLineOrUsage() {
        ObjectNode result = tree(SampleMessages.completedResult());
        ((ObjectNode) result.at("/findings/0")).put("line", -1);
        ObjectNode cached = tree(SampleMessages.cached());
        ((ObjectNode) cached.get("usage")).put("costUsd", -0.5);

        assertThat(ContractSchemas.validate(JsonSchemas.ANALYSIS_RESULT, result)).isNotEmpty();
        assertThat(ContractSchemas.validate(JsonSchemas.CACHED_ANALYSIS, cached)).isNotEmpty();
    }

    @Test
    void shouldRejectAChunkWithoutSequenceOrWithLastInsteadOfFinal() {
        ObjectNode chunk = tree(SampleMessages.chunk());
        chunk.remove("sequence");
        ObjectNode wrongFlag = tree(SampleMessages.chunk());
        wrongFlag.remove("final");
        wrongFlag.put("final", "yes");

        assertThat(ContractSchemas.validate(JsonSchemas.ANALYSIS_CHUNK, chunk)).isNotEmpty();
        assertThat(ContractSchemas.validate(JsonSchemas.ANALYSIS_CHUNK, wrongFlag)).isNotEmpty();
    }

    @Test
    void shouldRejectABatchWhoseRouteIsNotProviderModelLane() {
        ObjectNode batch = tree(SampleMessages.batch());
        batch.put("route", "anthropic/claude/urgent");

        assertThat(ContractSchemas.validate(JsonSchemas.ANALYSIS_BATCH, batch)).isNotEmpty();
    }

    @Test
    void shouldRejectAMessageOfAnotherSchemaVersion() {
        for (Record message : new Record[] {SampleMessages.batch(), SampleMessages.batchResult(),
                SampleMessages.completedResult(), SampleMessages.chunk(), SampleMessages.cached()}) {
            ObjectNode node = tree(message);
            node.put("schemaVersion", 2);
            assertThat(ContractSchemas.validate(JsonSchemas.resourceFor(message.getClass()), node))
                    .as(message.getClass().getSimpleName()).isNotEmpty();
        }
    }
}

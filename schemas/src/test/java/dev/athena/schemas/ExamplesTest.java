package dev.athena.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisCancellation;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.CachedAnalysis;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.validation.Decoded;
import dev.athena.schemas.validation.RequestDecoder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExamplesTest {
    private static final Map<String, Class<?>> TYPES = Map.of(
            JsonSchemas.ANALYSIS_REQUEST, AnalysisRequest.class,
            JsonSchemas.ANALYSIS_BATCH, AnalysisBatch.class,
            JsonSchemas.BATCH_RESULT, BatchResult.class,
            JsonSchemas.ANALYSIS_RESULT, AnalysisResult.class,
            JsonSchemas.ANALYSIS_CHUNK, AnalysisChunk.class,
            JsonSchemas.CACHED_ANALYSIS, CachedAnalysis.class,
            JsonSchemas.ANALYSIS_CANCELLATION, AnalysisCancellation.class);

    static List<Path> validExamples() {
        return Examples.valid();
    }

    @Test
    void shouldHaveAValidExampleOfEveryMessage() {
        assertThat(validExamples().stream().map(p -> ContractSchemas.resourceForExample(p.getFileName().toString()))
                .distinct()).containsExactlyInAnyOrderElementsOf(JsonSchemas.all());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExamples")
    void shouldValidateAgainstItsSchema(Path example) {
        String resource = ContractSchemas.resourceForExample(example.getFileName().toString());

        assertThat(ContractSchemas.validate(resource, Examples.bytes(example))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExamples")
    void shouldBeReadableByTheJavaRecord(Path example) {
        Class<?> type = TYPES.get(ContractSchemas.resourceForExample(example.getFileName().toString()));

        Object message = Json.read(Examples.bytes(example), type);

        assertThat(message).isInstanceOf(type);
        // What Java writes back must still satisfy the schema (it adds nulls and defaults, never removes).
        String resource = JsonSchemas.resourceFor(type);
        assertThat(ContractSchemas.validate(resource, Json.write(message))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExamples")
    void shouldDecodeEveryValidRequestExample(Path example) {
        String resource = ContractSchemas.resourceForExample(example.getFileName().toString());
        if (!resource.equals(JsonSchemas.ANALYSIS_REQUEST)) {
            return;
        }
        Decoded decoded = RequestDecoder.ofDefaults().decode(Examples.bytes(example));

        assertThat(decoded).isInstanceOf(Decoded.Accepted.class);
        AnalysisRequest request = ((Decoded.Accepted) decoded).request();
        assertThat(request).isEqualTo(Json.read(Examples.bytes(example), AnalysisRequest.class));
    }

    @Test
    void shouldDecodeTheDesignRequestToItsFields() {
        Decoded decoded = RequestDecoder.ofDefaults().decode(
                Examples.bytes(Examples.valid().stream()
                        .filter(p -> p.getFileName().toString().equals("analysis-request.design.json")).findFirst()
                        .orElseThrow()));

        AnalysisRequest request = ((Decoded.Accepted) decoded).request();
        assertThat(request.requestId()).isEqualTo("6f1c2a9e-0d4b-4c7e-9a51-2b8e1f0c3d77");
        assertThat(request.clientId()).isEqualTo("team-payments");
        assertThat(request.analysisType()).isEqualTo(AnalysisType.SECURITY);
        assertThat(request.language()).isEqualTo("python");
        assertThat(request.path()).isEqualTo("app/db.py");
        assertThat(request.code()).startsWith("def find(u):\n").contains("name='\" + u + \"'");
        assertThat(request.lane()).isEqualTo(Lane.INTERACTIVE);
        assertThat(request.createdAt()).isEqualTo(Instant.parse("2026-11-30T10:15:00Z"));
        assertThat(request.providerOrAuto()).isEqualTo("auto");
        assertThat(request.modelOrAuto()).isEqualTo("auto");
    }

    @Test
    void shouldReadTheDesignResultWithDefaultsForWhatItLeavesOut() {
        AnalysisResult result = Json.read(Examples.bytes(Examples.valid().stream()
                .filter(p -> p.getFileName().toString().equals("analysis-result.design.json")).findFirst()
                .orElseThrow()), AnalysisResult.class);

        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.servedBy().provider()).isEqualTo("builtin");
        assertThat(result.servedBy().degraded()).isFalse();
        assertThat(result.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.line()).isEqualTo(2);
        });
        assertThat(result.usage().cacheReadTokens()).isZero();
        assertThat(result.error()).isNull();
        assertThat(result.completedAt()).isEqualTo(Instant.parse("2026-11-30T10:15:00.140Z"));
    }
}

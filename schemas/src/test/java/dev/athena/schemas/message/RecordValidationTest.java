package dev.athena.schemas.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.validation.Rejection;
import dev.athena.schemas.validation.RejectionReason;
import dev.athena.schemas.validation.RequestLimits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compact constructors refuse values no message may carry, and say which value was wrong. */
class RecordValidationTest {

    @Test
    void shouldRefuseANegativeLineEchoingIt() {
        assertThatThrownBy(() -> new Finding("r", Severity.LOW, -3, "m", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("line must be >= 0 but was -3");
        assertThat(new Finding("r", Severity.LOW, 0, "m", null).line()).isZero();
    }

    @Test
    void shouldRefuseFindingsWithoutRuleSeverityOrMessage() {
        assertThatThrownBy(() -> new Finding(null, Severity.LOW, 1, "m", null)).hasMessage("ruleId");
        assertThatThrownBy(() -> new Finding("r", null, 1, "m", null)).hasMessage("severity");
        assertThatThrownBy(() -> new Finding("r", Severity.LOW, 1, null, null)).hasMessage("message");
    }

    @Test
    void shouldRefuseNegativeUsageEchoingIt() {
        assertThatThrownBy(() -> new Usage(-1, 2, 3, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("usage must not be negative but was -1/2/3/0.5");
        assertThatThrownBy(() -> new Usage(1, 2, 3, -0.01)).hasMessageContaining("-0.01");
    }

    @Test
    void shouldRefuseACostThatJsonCannotCarry() {
        assertThatThrownBy(() -> new Usage(1, 1, 0, Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new Usage(1, 1, 0, Double.POSITIVE_INFINITY)).hasMessageContaining("Infinity");
    }

    @Test
    void shouldAddUsage() {
        assertThat(new Usage(1, 2, 1, 0.25).plus(new Usage(10, 20, 5, 0.5))).isEqualTo(new Usage(11, 22, 6, 0.75));
        assertThat(Usage.NONE.plus(Usage.NONE)).isEqualTo(Usage.NONE);
    }

    @Test
    void shouldRefuseABatchItemWithoutRequesters() {
        AnalysisRequest request = AnalysisRequest.of("r", "c", AnalysisType.SECURITY, "x");

        assertThatThrownBy(() -> new BatchItem("analysis:k", request, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one requester");
        assertThatThrownBy(() -> new BatchItem(null, request, List.of(Requester.of(request, null))))
                .hasMessage("cacheKey");
    }

    @Test
    void shouldRefuseACompletedItemWithoutCacheKeyOrServedBy() {
        assertThatThrownBy(() -> new ItemResult(null, List.of(SampleMessages.requester()), AnalysisType.SECURITY,
                null, ResultStatus.COMPLETED, ServedBy.of("p", "m"), List.of(), "s", Usage.NONE, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("COMPLETED")
                .hasMessageContaining("cacheKey");
        assertThatThrownBy(() -> new ItemResult("k", List.of(SampleMessages.requester()), AnalysisType.SECURITY,
                null, ResultStatus.COMPLETED, null, List.of(), "s", Usage.NONE, null, false))
                .hasMessageContaining("servedBy");
    }

    @Test
    void shouldRefuseAnUnsuccessfulItemWithoutErrorNamingItsStatus() {
        assertThatThrownBy(() -> new ItemResult("k", List.of(SampleMessages.requester()), AnalysisType.SECURITY,
                null, ResultStatus.EXPIRED, null, null, null, null, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a EXPIRED item needs an error");
    }

    @Test
    void shouldDefaultEmptyCollectionsAndUsage() {
        ItemResult item = new ItemResult(null, List.of(SampleMessages.requester()), null, null, ResultStatus.FAILED,
                null, null, null, null, new ErrorInfo("X", "y"), false);
        AnalysisResult result = new AnalysisResult(1, "r", "c", ResultStatus.FAILED, null, null, null, false, null,
                null, new ErrorInfo("X", "y"), null);
        CachedAnalysis cached = new CachedAnalysis(1, "k", ServedBy.of("p", "m"), null, null, null, null);
        AnalysisChunk chunk = new AnalysisChunk(1, "r", 0, null, false);

        assertThat(item.findings()).isEmpty();
        assertThat(item.usage()).isEqualTo(Usage.NONE);
        assertThat(result.findings()).isEmpty();
        assertThat(result.usage()).isEqualTo(Usage.NONE);
        assertThat(cached.findings()).isEmpty();
        assertThat(chunk.delta()).isEmpty();
    }

    @Test
    void shouldRefuseMissingIdsOfEveryMessage() {
        assertThatThrownBy(() -> AnalysisRequest.of(null, "c", AnalysisType.SECURITY, "x")).hasMessage("requestId");
        assertThatThrownBy(() -> AnalysisRequest.of("r", null, AnalysisType.SECURITY, "x")).hasMessage("clientId");
        assertThatThrownBy(() -> AnalysisRequest.of("r", "c", null, "x")).hasMessage("analysisType");
        assertThatThrownBy(() -> AnalysisRequest.of("r", "c", AnalysisType.SECURITY, null)).hasMessage("code");
        assertThatThrownBy(() -> new AnalysisBatch(1, null, "p/m/bulk", null, null, List.of())).hasMessage("batchId");
        assertThatThrownBy(() -> new AnalysisBatch(1, "b", null, null, null, List.of())).hasMessage("route");
        assertThatThrownBy(() -> new BatchResult(1, null, "r", List.of(), null)).hasMessage("batchId");
        assertThatThrownBy(() -> new AnalysisResult(1, null, "c", ResultStatus.COMPLETED, null, null, null, false,
                null, null, null, null)).hasMessage("requestId");
        assertThatThrownBy(() -> new AnalysisResult(1, "r", "c", null, null, null, null, false, null, null, null,
                null)).hasMessage("status");
        assertThatThrownBy(() -> new AnalysisChunk(1, null, 0, "d", false)).hasMessage("requestId");
        assertThatThrownBy(() -> new CachedAnalysis(1, null, ServedBy.of("p", "m"), null, null, null, null))
                .hasMessage("cacheKey");
        assertThatThrownBy(() -> new CachedAnalysis(1, "k", null, null, null, null, null)).hasMessage("servedBy");
        assertThatThrownBy(() -> new Requester(null, "c", null, null)).hasMessage("requestId");
        assertThatThrownBy(() -> new Requester("r", null, null, null)).hasMessage("clientId");
        assertThatThrownBy(() -> new ServedBy(null, "m", false)).hasMessage("provider");
        assertThatThrownBy(() -> new ErrorInfo("c", null)).hasMessage("message");
    }

    @Test
    void shouldDefaultLaneAndOptionsAndCopyOptions() {
        Map<String, String> options = new HashMap<>(Map.of("b", "2", "a", "1"));
        AnalysisRequest request = new AnalysisRequest(1, "r", "c", AnalysisType.QUALITY, null, null, "x", null,
                null, null, options, null, null, null, null);
        options.put("c", "3");

        assertThat(request.lane()).isEqualTo(Lane.INTERACTIVE);
        assertThat(request.options()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThatThrownBy(() -> request.options().put("z", "9")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(AnalysisRequest.of("r", "c", AnalysisType.QUALITY, "x").options()).isEmpty();
        assertThat(request.streaming()).isFalse();
        assertThat(request.deadlineOpt()).isEmpty();
    }

    @Test
    void shouldRefuseNullOptionValues() {
        Map<String, String> options = new HashMap<>();
        options.put("a", null);

        assertThatThrownBy(() -> new AnalysisRequest(1, "r", "c", AnalysisType.QUALITY, null, null, "x", null, null,
                null, options, null, null, null, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldKeepEverythingButTheRouteWhenRerouted() {
        AnalysisRequest request = SampleMessages.fullRequest();

        AnalysisRequest rerouted = request.withRoute("builtin", "rules-1");

        assertThat(rerouted.providerOrAuto()).isEqualTo("builtin");
        assertThat(rerouted.modelOrAuto()).isEqualTo("rules-1");
        assertThat(rerouted.withRoute(request.provider(), request.model())).isEqualTo(request);
    }

    @Test
    void shouldCountRequestsOfCoalescedItems() {
        assertThat(SampleMessages.batch().requestCount()).isEqualTo(2);
    }

    @Test
    void shouldReadEnumsOnlyFromTheirWireNames() {
        assertThat(AnalysisType.fromWire("security")).contains(AnalysisType.SECURITY);
        assertThat(AnalysisType.fromWire("SECURITY")).isEmpty();
        assertThat(AnalysisType.fromWire(null)).isEmpty();
        assertThat(AnalysisType.wireNames()).isEqualTo("security, quality, complexity, explain");
        assertThat(Lane.fromWire("bulk")).contains(Lane.BULK);
        assertThat(Lane.fromWire("Bulk")).isEmpty();
        assertThat(Severity.fromWire(" HIGH ")).contains(Severity.HIGH);
        assertThat(Severity.fromWire(null)).isEmpty();
    }

    @Test
    void shouldRefuseLimitsBelowOneByteEchoingThem() {
        assertThatThrownBy(() -> new RequestLimits(0)).hasMessage("maxCodeBytes must be >= 1 but was 0");
        assertThat(RequestLimits.ofDefaults().maxCodeBytes()).isEqualTo(262_144);
    }

    @Test
    void shouldTurnARejectionIntoAnErrorWithItsReasonAsCode() {
        Rejection rejection = new Rejection(RejectionReason.EMPTY_CODE, "code", "field 'code' must not be empty", "r",
                "c");

        assertThat(rejection.toError()).isEqualTo(new ErrorInfo("EMPTY_CODE", "field 'code' must not be empty"));
        assertThat(AnalysisResult.rejected("r", "c", rejection.toError(), SampleMessages.T0))
                .satisfies(r -> {
                    assertThat(r.status()).isEqualTo(ResultStatus.REJECTED);
                    assertThat(r.summary()).isEqualTo("field 'code' must not be empty");
                    assertThat(r.error().code()).isEqualTo("EMPTY_CODE");
                    assertThat(r.schemaVersion()).isEqualTo(SchemaVersion.CURRENT);
                });
        assertThatThrownBy(() -> new Rejection(null, "f", "m", null, null)).hasMessage("reason");
    }
}

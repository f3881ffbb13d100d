package dev.athena.workers.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.builtin.BuiltinProvider;
import dev.athena.workers.provider.spi.BatchApi;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.StubProvider;
import dev.athena.workers.provider.spi.RetriableProviderException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProviderBatchesTest {
    private static final Instant NOW = Instant.parse("2026-11-30T07:00:00Z");

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final StubApi api = new StubApi();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private static final class StubApi implements BatchApi {
        final List<List<Call>> submitted = new ArrayList<>();
        Status next = new Status.Pending("in_progress");
        RuntimeException submitError;
        RuntimeException pollError;
        RuntimeException cancelError;
        final List<String> cancelled = new ArrayList<>();

        @Override
        public String submit(List<Call> calls) {
            if (submitError != null) {
                throw submitError;
            }
            submitted.add(calls);
            return "batch_1";
        }

        @Override
        public Status poll(String providerBatchId, Map<String, ProviderCall> calls) {
            if (pollError != null) {
                throw pollError;
            }
            return next;
        }

        @Override
        public void cancel(String providerBatchId) {
            if (cancelError != null) {
                throw cancelError;
            }
            cancelled.add(providerBatchId);
        }
    }

    private static final Provider OPENAI = new StubProvider("openai", "gpt-4o-mini",
            call -> new ProviderAnswer(List.of(), "sync", "gpt-4o-mini", null));

    private ProviderBatches batches() {
        ProviderRoster roster = ProviderRoster.of(List.of(OPENAI), new BuiltinProvider());
        ItemExecutor items = new ItemExecutor(roster, clock, Duration.ofSeconds(30), threads,
                new WorkerMetrics(new SimpleMeterRegistry()));
        return new ProviderBatches("group-a", Map.of("openai", new ProviderBatches.Api(api, Duration.ofMinutes(30))),
                roster, new BatchExecutor(items, threads, clock), clock, new WorkerMetrics(registry));
    }

    private static BatchItem item(String id, Lane lane, Instant deadline) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, id, "c1", AnalysisType.QUALITY, "python",
                id + ".py", "x = 1\n", null, null, lane, Map.of(), deadline, null, null, null);
        return new BatchItem("analysis:auto:auto:quality:" + id + ":00000000", request,
                List.of(new Requester(id, "c1", null, null)));
    }

    private static AnalysisBatch batch(BatchItem... items) {
        return new AnalysisBatch(SchemaVersion.CURRENT, "b-1", "auto/auto/bulk", NOW, NOW, List.of(items));
    }

    @Test
    void shouldRunABatchWithACancelledRequesterTheNormalWaySoThatItLeavesTheBatch() throws Exception {
        ProviderRoster roster = ProviderRoster.of(List.of(OPENAI), new BuiltinProvider());
        ItemExecutor items = new ItemExecutor(roster, clock, Duration.ofSeconds(30), threads,
                new WorkerMetrics(new SimpleMeterRegistry()));
        Requester gone = new Requester("b", "c1", null, null);
        BatchExecutor executor = new BatchExecutor(items, threads, clock, batch -> batch.items().stream()
                .flatMap(item -> item.requesters().stream()).filter(gone::equals)
                .collect(java.util.stream.Collectors.toSet()));
        ProviderBatches cancelling = new ProviderBatches("group-a", Map.of("openai",
                new ProviderBatches.Api(api, Duration.ofMinutes(30))), roster, executor, clock,
                new WorkerMetrics(registry));
        AnalysisBatch batch = batch(item("a", Lane.BULK, null), item("b", Lane.BULK, null));

        assertThat(cancelling.trySubmit(batch)).isEmpty();
        assertThat(api.submitted).as("nothing went to the batch API").isEmpty();
        assertThat(executor.execute(batch).items()).extracting(result -> result.status())
                .containsExactlyInAnyOrder(ResultStatus.COMPLETED, ResultStatus.CANCELLED);
        assertThat(batches().trySubmit(batch)).as("the same batch, nobody cancelled").isPresent();
    }

    @Test
    void shouldSubmitBulkBatchWhoseDeadlinesAreFarEnough() {
        Optional<ProviderBatchRecord> record = batches().trySubmit(batch(item("a", Lane.BULK, null),
                item("b", Lane.BULK, NOW.plus(Duration.ofHours(2)))));

        assertThat(record).hasValueSatisfying(r -> {
            assertThat(r.provider()).isEqualTo("openai");
            assertThat(r.providerBatchId()).isEqualTo("batch_1");
            assertThat(r.models()).containsExactly("gpt-4o-mini", "gpt-4o-mini");
            assertThat(r.group()).isEqualTo("group-a");
        });
        assertThat(api.submitted).singleElement().satisfies(calls -> assertThat(calls)
                .extracting(BatchApi.Call::customId).containsExactly("item-0", "item-1"));
    }

    @Test
    void shouldKeepInteractiveOrSoonDueOrFailedSubmissionsOnTheNormalPath() {
        assertThat(batches().trySubmit(batch(item("a", Lane.INTERACTIVE, null)))).isEmpty();
        assertThat(batches().trySubmit(batch(item("a", Lane.BULK, NOW.plus(Duration.ofMinutes(10)))))).isEmpty();
        assertThat(api.submitted).isEmpty();
        api.submitError = new RetriableProviderException("openai", RetriableProviderException.Kind.SERVER_ERROR, 500,
                "status 500");
        assertThat(batches().trySubmit(batch(item("a", Lane.BULK, null)))).isEmpty();
        assertThat(calls("submit", "failed")).isEqualTo(1.0);
    }

    @Test
    void shouldRunTheBatchTheNormalWayWhenTheProvidersGuardsRefuseTheSubmit() {
        ProviderBatches batches = batches();
        for (RetriableProviderException.Kind refused : List.of(RetriableProviderException.Kind.CIRCUIT_OPEN,
                RetriableProviderException.Kind.LOCALLY_LIMITED)) {
            api.submitError = new RetriableProviderException("openai", refused, 0, "refused");

            assertThat(batches.trySubmit(batch(item("a", Lane.BULK, null)))).isEmpty();
        }
        assertThat(calls("submit", "refused")).isEqualTo(2.0);
        assertThat(calls("submit", "ok")).isZero();
        assertThat(api.submitted).isEmpty();
    }

    @Test
    void shouldAskAgainLaterWhenAPollIsRefused() throws Exception {
        ProviderBatches batches = batches();
        ProviderBatchRecord pending = new ProviderBatchRecord("group-a", batch(item("a", Lane.BULK, null)), "openai",
                "batch_1", List.of("gpt-4o-mini"), NOW);
        api.next = new BatchApi.Status.Done(Map.of("item-0", new BatchApi.Outcome.Answered(new ProviderAnswer(
                List.of(), "clean", "gpt-4o-mini", null))));
        api.pollError = new RetriableProviderException("openai", RetriableProviderException.Kind.CIRCUIT_OPEN, 0,
                "circuit breaker open");

        assertThat(batches.poll(pending)).isEmpty();
        assertThat(calls("poll", "refused")).isEqualTo(1.0);

        api.pollError = null;
        assertThat(batches.poll(pending)).hasValueSatisfying(r -> assertThat(r.items()).singleElement()
                .satisfies(i -> assertThat(i.summary()).isEqualTo("clean")));
        assertThat(calls("poll", "ok")).isEqualTo(1.0);
    }

    @Test
    void shouldKeepABatchTooLargeForItsPendingRecordOnTheNormalPath() {
        BatchItem big = item("big", Lane.BULK, null);
        AnalysisRequest r = big.request();
        AnalysisRequest bigger = new AnalysisRequest(r.schemaVersion(), r.requestId(), r.clientId(), r.analysisType(),
                r.language(), r.path(), "x = 1\n".repeat(200_000), r.provider(), r.model(), r.lane(), r.options(),
                r.deadline(), r.stream(), r.createdAt(), r.replyTo());

        assertThat(batches().trySubmit(batch(new BatchItem(big.cacheKey(), bigger, big.requesters())))).isEmpty();
        assertThat(api.submitted).isEmpty();
    }

    @Test
    void shouldCancelAnOrphanedProviderBatchAndCountWhetherItWorked() {
        ProviderBatches batches = batches();
        ProviderBatchRecord orphan = new ProviderBatchRecord("group-a", batch(item("a", Lane.BULK, null)), "openai",
                "batch_9", List.of("gpt-4o-mini"), NOW);

        batches.cancelOrphan(orphan);
        api.cancelError = new RetriableProviderException("openai", RetriableProviderException.Kind.CIRCUIT_OPEN, 0,
                "circuit breaker open");
        batches.cancelOrphan(orphan);

        assertThat(api.cancelled).containsExactly("batch_9");
        assertThat(orphans("cancelled")).isEqualTo(1.0);
        assertThat(orphans("left")).isEqualTo(1.0);
        assertThat(calls("cancel", "refused")).isEqualTo(1.0);
    }

    private double orphans(String outcome) {
        var counter = registry.find(WorkerMetrics.BATCH_ORPHANS).tag("provider", "openai").tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double calls(String call, String outcome) {
        var counter = registry.find(WorkerMetrics.BATCH_API_CALLS).tag("provider", "openai").tag("call", call)
                .tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldTurnEndedProviderBatchIntoOneResultWithEveryItemAccountedFor() throws Exception {
        ProviderBatches batches = batches();
        AnalysisBatch batch = batch(item("a", Lane.BULK, null), item("b", Lane.BULK, null),
                item("c", Lane.BULK, null), item("d", Lane.BULK, NOW.minusSeconds(1)));
        ProviderBatchRecord pending = new ProviderBatchRecord("group-a", batch, "openai", "batch_1",
                List.of("gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini"), NOW.minusSeconds(60));

        assertThat(batches.poll(pending)).isEmpty();

        Map<String, BatchApi.Outcome> outcomes = new HashMap<>();
        outcomes.put("item-0", new BatchApi.Outcome.Answered(new ProviderAnswer(List.of(), "clean", "gpt-4o-mini",
                null)));
        outcomes.put("item-1", new BatchApi.Outcome.Errored("openai: the batch request failed with status 400"));
        outcomes.put("item-3", new BatchApi.Outcome.Answered(new ProviderAnswer(List.of(), "late", "gpt-4o-mini",
                null)));
        api.next = new BatchApi.Status.Done(outcomes);
        BatchResult result = batches.poll(pending).orElseThrow();

        assertThat(result.batchId()).isEqualTo("b-1");
        assertThat(result.items()).extracting(i -> i.status()).containsExactly(ResultStatus.COMPLETED,
                ResultStatus.FAILED, ResultStatus.FAILED, ResultStatus.EXPIRED);
        assertThat(result.items().get(0).servedBy().provider()).isEqualTo("openai");
        assertThat(result.items().get(0).summary()).isEqualTo("clean");
        assertThat(result.items().get(1).error().message()).contains("status 400");
        assertThat(result.items().get(2).error().message()).contains("returned nothing for this item");
        assertThat(result.items().get(3).error().code()).isEqualTo("DEADLINE_EXCEEDED");
    }

    @Test
    void shouldRunFailedProviderBatchTheNormalWay() throws Exception {
        api.next = new BatchApi.Status.Failed("the provider batch ended expired");
        AnalysisBatch batch = batch(item("a", Lane.BULK, null));
        ProviderBatchRecord pending = new ProviderBatchRecord("group-a", batch, "openai", "batch_1",
                List.of("gpt-4o-mini"), NOW);

        BatchResult result = batches().poll(pending).orElseThrow();

        assertThat(result.items()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(ResultStatus.COMPLETED);
            assertThat(i.summary()).isEqualTo("sync");
        });
    }

    /** Batches whose executor sees {@code gone} as cancelled. */
    private ProviderBatches cancelling(Requester... gone) {
        ProviderRoster roster = ProviderRoster.of(List.of(OPENAI), new BuiltinProvider());
        ItemExecutor items = new ItemExecutor(roster, clock, Duration.ofSeconds(30), threads,
                new WorkerMetrics(new SimpleMeterRegistry()));
        java.util.Set<Requester> cancelled = java.util.Set.of(gone);
        BatchExecutor executor = new BatchExecutor(items, threads, clock, batch -> batch.items().stream()
                .flatMap(item -> item.requesters().stream()).filter(cancelled::contains)
                .collect(java.util.stream.Collectors.toSet()));
        return new ProviderBatches("group-a", Map.of("openai", new ProviderBatches.Api(api, Duration.ofMinutes(30))),
                roster, executor, clock, new WorkerMetrics(registry));
    }

    /** The batch as it waits in OpenAI's batch API since a minute ago. */
    private static ProviderBatchRecord pending(AnalysisBatch batch) {
        return new ProviderBatchRecord("group-a", batch, "openai", "batch_1",
                batch.items().stream().map(item -> "gpt-4o-mini").toList(), NOW.minusSeconds(60));
    }

    private static BatchItem sharedBy(String id, Requester... requesters) {
        BatchItem item = item(id, Lane.BULK, null);
        return new BatchItem(item.cacheKey(), item.request(), List.of(requesters));
    }

    @Test
    void shouldCancelAPendingProviderBatchWhoseEveryRequesterWasCancelled() throws Exception {
        Requester a = new Requester("a", "c1", null, null);
        Requester a2 = new Requester("a2", "c2", null, null);
        Requester b = new Requester("b", "c1", null, null);
        ProviderBatchRecord pending = pending(batch(sharedBy("a", a, a2), sharedBy("b", b)));
        api.pollError = new IllegalStateException("the provider is not asked how a batch nobody wants stands");

        BatchResult result = cancelling(a, a2, b).poll(pending).orElseThrow();

        assertThat(api.cancelled).containsExactly("batch_1");
        assertThat(calls("cancel", "ok")).isEqualTo(1.0);
        assertThat(result.batchId()).isEqualTo("b-1");
        assertThat(result.items()).allSatisfy(i -> {
            assertThat(i.status()).isEqualTo(ResultStatus.CANCELLED);
            assertThat(i.error().message()).contains("while its provider batch was running");
        });
        assertThat(result.items()).flatExtracting(i -> i.requesters()).containsExactly(a, a2, b);
    }

    @Test
    void shouldEndABatchWhoseRequestersWereAllCancelledEvenWhenTheProviderCannotCancelIt() throws Exception {
        Requester a = new Requester("a", "c1", null, null);
        ProviderBatchRecord pending = pending(batch(sharedBy("a", a)));
        api.cancelError = new RetriableProviderException("openai", RetriableProviderException.Kind.CIRCUIT_OPEN, 0,
                "open");

        BatchResult result = cancelling(a).poll(pending).orElseThrow();

        assertThat(result.items()).singleElement().satisfies(i -> assertThat(i.status())
                .isEqualTo(ResultStatus.CANCELLED));
        assertThat(calls("cancel", "refused")).isEqualTo(1.0);
    }

    @Test
    void shouldGiveRequestersCancelledWhileTheirProviderBatchRanCancelledAndTheOthersTheirAnswers()
            throws Exception {
        Requester a = new Requester("a", "c1", null, null);
        Requester a2 = new Requester("a2", "c2", null, null);
        Requester b = new Requester("b", "c1", null, null);
        ProviderBatchRecord pending = pending(batch(sharedBy("a", a, a2), sharedBy("b", b)));
        ProviderBatches batches = cancelling(a2, b);

        assertThat(batches.poll(pending)).as("still running for a").isEmpty();
        api.next = new BatchApi.Status.Done(Map.of(
                "item-0", new BatchApi.Outcome.Answered(new ProviderAnswer(List.of(), "clean", "gpt-4o-mini", null)),
                "item-1", new BatchApi.Outcome.Answered(new ProviderAnswer(List.of(), "late", "gpt-4o-mini", null))));
        BatchResult result = batches.poll(pending).orElseThrow();

        assertThat(api.cancelled).as("a still wanted its answer").isEmpty();
        assertThat(result.items()).hasSize(3);
        assertThat(result.items().get(0).status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.items().get(0).requesters()).containsExactly(a);
        assertThat(result.items().get(0).summary()).isEqualTo("clean");
        assertThat(result.items().get(1).status()).isEqualTo(ResultStatus.CANCELLED);
        assertThat(result.items().get(1).requesters()).containsExactly(a2);
        assertThat(result.items().get(2).status()).isEqualTo(ResultStatus.CANCELLED);
        assertThat(result.items().get(2).requesters()).containsExactly(b);
    }
}

package dev.athena.workers.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.message.Usage;
import dev.athena.workers.cancel.Cancellations;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.builtin.BuiltinProvider;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.StubProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requesters whose clients cancelled them get one CANCELLED result each, and no provider is asked for them. */
class BatchCancellationTest {
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> asked = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void shouldAskOnlyForWhatIsStillWantedAndCancelTheRestInBatchOrder() throws Exception {
        Requester gone = requester("r-gone");
        Requester leaving = requester("r-leaving");
        Requester staying = requester("r-staying");
        Requester other = requester("r-other");
        AnalysisBatch batch = batch(item("k-gone", "gone.py", gone), item("k-shared", "shared.py", leaving, staying),
                item("k-other", "other.py", other));

        BatchResult result = executor(b -> Set.of(gone, leaving)).execute(batch);

        assertThat(asked).as("one call for each item someone still wants").containsExactlyInAnyOrder(
                "shared.py", "other.py");
        List<ItemResult> items = result.items();
        assertThat(items).extracting(i -> i.requesters().stream().map(Requester::requestId).toList())
                .containsExactly(List.of("r-gone"), List.of("r-staying"), List.of("r-leaving"), List.of("r-other"));
        assertThat(items).extracting(ItemResult::status).containsExactly(ResultStatus.CANCELLED,
                ResultStatus.COMPLETED, ResultStatus.CANCELLED, ResultStatus.COMPLETED);
        ItemResult cancelled = items.get(2);
        assertThat(cancelled.cacheKey()).isEqualTo("k-shared");
        assertThat(cancelled.path()).isEqualTo("shared.py");
        assertThat(cancelled.error().code()).isEqualTo("CANCELLED");
        assertThat(cancelled.error().message()).isEqualTo("cancelled by its client before a provider was asked");
        assertThat(cancelled.servedBy()).isNull();
        assertThat(cancelled.usage()).as("nothing spent").isEqualTo(Usage.NONE);
        assertThat(result.batchId()).isEqualTo("b1");
        assertThat(registry.get(WorkerMetrics.ITEMS).tag("status", "CANCELLED").counter().count()).isEqualTo(2.0);
    }

    @Test
    void shouldAskNoProviderWhenEveryRequesterCancelled() throws Exception {
        Requester first = requester("r-1");
        Requester second = requester("r-2");

        BatchResult result = executor(b -> Set.of(first, second)).execute(batch(item("k", "a.py", first, second)));

        assertThat(asked).isEmpty();
        assertThat(result.items()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(ResultStatus.CANCELLED);
            assertThat(i.requesters()).containsExactly(first, second);
        });
    }

    @Test
    void shouldRunTheBatchAsItIsWhenNothingWasCancelled() throws Exception {
        Requester one = requester("r-1");

        BatchResult result = executor(Cancellations.NONE).execute(batch(item("k", "a.py", one)));

        assertThat(asked).containsExactly("a.py");
        assertThat(result.items()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(ResultStatus.COMPLETED);
            assertThat(i.requesters()).containsExactly(one);
        });
    }

    private BatchExecutor executor(Cancellations cancellations) {
        StubProvider provider = new StubProvider("primary", "primary-model", call -> {
            asked.add(call.request().path());
            return new ProviderAnswer(List.of(new Finding("code-injection", Severity.HIGH, 1, "eval", null)),
                    "1 finding", "primary-model", new Usage(10, 5, 0, 0.001));
        });
        ProviderRoster roster = ProviderRoster.of(List.of(provider), new BuiltinProvider());
        ItemExecutor items = new ItemExecutor(roster, InstantSource.system(), Duration.ofSeconds(20), threads,
                new WorkerMetrics(registry));
        return new BatchExecutor(items, threads, InstantSource.system(), cancellations);
    }

    private static Requester requester(String requestId) {
        return new Requester(requestId, "team-" + requestId, null, null);
    }

    private static AnalysisBatch batch(BatchItem... items) {
        Instant now = Instant.now();
        return new AnalysisBatch(SchemaVersion.CURRENT, "b1", "primary/auto/interactive", now, now,
                Arrays.asList(items));
    }

    private static BatchItem item(String cacheKey, String path, Requester... requesters) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, requesters[0].requestId(),
                requesters[0].clientId(), AnalysisType.SECURITY, "python", path, "x = eval(s)  # " + path + "\n",
                "primary", null, Lane.INTERACTIVE, Map.of(), null, null, null, null);
        return new BatchItem(cacheKey, request, List.of(requesters));
    }
}

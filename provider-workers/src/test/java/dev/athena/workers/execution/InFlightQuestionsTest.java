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
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.StubProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Identical questions in flight at once on one worker: one provider call, one result per item. */
class InFlightQuestionsTest {
    private static final String KEY = "analysis:primary:auto:security:0123456789abcdef:00000000";
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InFlightQuestions inFlight = new InFlightQuestions();
    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        threads.shutdownNow();
    }

    @Test
    void shouldAnswerAQuestionAskedAgainWhileInFlightWithOneProviderCall() throws Exception {
        BatchExecutor executor = executor(held(call -> answer()), InstantSource.system());
        Future<BatchResult> first = threads.submit(() -> executor.execute(batch("b1", item("r1", "c1", "a.py", null))));
        awaitCalls(1);
        Future<BatchResult> second = threads.submit(() -> executor.execute(batch("b2",
                item("r2", "c2", "copy/of/a.py", null), item("r3", "c3", "b.py", null, "analysis:other"))));
        awaitFollowers(second, 1);
        release.countDown();

        ItemResult asked = first.get(10, TimeUnit.SECONDS).items().getFirst();
        BatchResult later = second.get(10, TimeUnit.SECONDS);
        ItemResult shared = later.items().get(0);
        assertThat(calls).hasValue(2); // the question once, the other key once
        assertThat(asked.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(asked.cached()).isFalse();
        assertThat(asked.usage().inputTokens()).isEqualTo(120);
        assertThat(shared.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(shared.cacheKey()).isEqualTo(KEY);
        assertThat(shared.requesters()).extracting(Requester::requestId).containsExactly("r2");
        assertThat(shared.path()).isEqualTo("copy/of/a.py");
        assertThat(shared.findings()).isEqualTo(asked.findings());
        assertThat(shared.summary()).isEqualTo(asked.summary());
        assertThat(shared.servedBy()).isEqualTo(asked.servedBy());
        assertThat(shared.cached()).as("no provider call of its own").isTrue();
        assertThat(shared.usage()).isEqualTo(Usage.NONE);
        assertThat(later.items().get(1).requesters()).extracting(Requester::requestId).containsExactly("r3");
        assertThat(registry.get(WorkerMetrics.SHARED_ITEMS).tag("provider", "primary").counter().count())
                .isEqualTo(1.0);
        assertThat(inFlight.size()).as("nothing left in flight").isZero();
    }

    @Test
    void shouldAskOnceForTheSameQuestionTwiceInOneBatch() throws Exception {
        BatchExecutor executor = executor(call -> {
            calls.incrementAndGet();
            return answer();
        }, InstantSource.system());
        BatchResult result = executor.execute(batch("b1", item("r1", "c1", "a.py", null), item("r2", "c2", "a.py", null)));
        assertThat(calls).hasValue(1);
        assertThat(result.items()).extracting(ItemResult::status)
                .containsExactly(ResultStatus.COMPLETED, ResultStatus.COMPLETED);
        assertThat(result.items()).extracting(i -> i.requesters().getFirst().requestId()).containsExactly("r1", "r2");
        assertThat(result.items()).extracting(ItemResult::cached).containsExactly(false, true);
    }

    @Test
    void shouldLetAFollowerAskForItselfWhenTheAnswerItWaitedForFailed() throws Exception {
        BatchExecutor executor = executor(held(call -> {
            if (calls.get() == 1) {
                throw new FatalProviderException("primary", FatalProviderException.Kind.CONTRACT, "garbled answer");
            }
            return answer();
        }), InstantSource.system());
        Future<BatchResult> first = threads.submit(() -> executor.execute(batch("b1", item("r1", "c1", "a.py", null))));
        awaitCalls(1);
        Future<BatchResult> second = threads.submit(() -> executor.execute(batch("b2", item("r2", "c2", "a.py", null))));
        awaitFollowers(second, 1);
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).items().getFirst().status()).isEqualTo(ResultStatus.FAILED);
        ItemResult own = second.get(10, TimeUnit.SECONDS).items().getFirst();
        assertThat(own.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(own.cached()).isFalse();
        assertThat(calls).hasValue(2);
    }

    @Test
    void shouldNotShareWithAnItemThatStreams() throws Exception {
        BatchExecutor executor = executor(held(call -> answer()), InstantSource.system());
        Future<BatchResult> first = threads.submit(() -> executor.execute(batch("b1", item("r1", "c1", "a.py", null))));
        awaitCalls(1);
        BatchItem streaming = item("r2", "c2", "a.py", null, KEY, true);
        Future<BatchResult> second = threads.submit(() -> executor.execute(batch("b2", streaming)));
        awaitCalls(2);
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).items().getFirst().cached()).isFalse();
        assertThat(second.get(10, TimeUnit.SECONDS).items().getFirst().cached()).isFalse();
    }

    @Test
    void shouldLetBulkWorkWaitForAnInteractiveAnswerButNeverTheOtherWayRound() throws Exception {
        BatchExecutor executor = executor(held(call -> answer()), InstantSource.system());
        Future<BatchResult> scan = threads.submit(() -> executor.execute(batch("b1",
                item("r1", "c1", "a.py", null, KEY, false, Lane.BULK))));
        awaitCalls(1);
        Future<BatchResult> interactive = threads.submit(() -> executor.execute(batch("b2",
                item("r2", "c2", "a.py", null))));
        awaitCalls(2); // asked for itself, not behind the scan's call
        Future<BatchResult> laterScan = threads.submit(() -> executor.execute(batch("b3",
                item("r3", "c3", "a.py", null, KEY, false, Lane.BULK))));
        awaitFollowers(laterScan, 1);
        release.countDown();

        assertThat(scan.get(10, TimeUnit.SECONDS).items().getFirst().cached()).isFalse();
        assertThat(interactive.get(10, TimeUnit.SECONDS).items().getFirst().cached()).isFalse();
        assertThat(laterScan.get(10, TimeUnit.SECONDS).items().getFirst().cached()).as("waited for an answer")
                .isTrue();
        assertThat(calls).hasValue(2);
        assertThat(inFlight.size()).isZero();
    }

    @Test
    void shouldExpireAFollowerWhoseDeadlinePassesWhileTheAnswerIsStillComing() throws Exception {
        BatchExecutor executor = executor(held(call -> answer()), InstantSource.system());
        Future<BatchResult> first = threads.submit(() -> executor.execute(batch("b1", item("r1", "c1", "a.py", null))));
        awaitCalls(1);
        Instant deadline = Instant.now().plusMillis(300);
        BatchResult late = executor.execute(batch("b2", item("r2", "c2", "a.py", deadline)));
        ItemResult expired = late.items().getFirst();
        assertThat(expired.status()).isEqualTo(ResultStatus.EXPIRED);
        assertThat(expired.error().code()).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(expired.error().message()).contains(deadline.toString()).contains("still being answered");
        assertThat(calls).as("the follower asked no provider").hasValue(1);
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).items().getFirst().status()).isEqualTo(ResultStatus.COMPLETED);
    }

    @Test
    void shouldLetFollowersAskForThemselvesWhenTheBatchTheyWaitedOnIsAbandoned() throws Exception {
        BatchExecutor executor = executor(held(call -> answer()), InstantSource.system());
        Future<BatchResult> first = threads.submit(() -> executor.execute(batch("b1", item("r1", "c1", "a.py", null))));
        awaitCalls(1);
        Future<BatchResult> second = threads.submit(() -> executor.execute(batch("b2", item("r2", "c2", "a.py", null))));
        awaitFollowers(second, 1);
        first.cancel(true); // the worker lost the partition of the first batch: its execution is interrupted
        awaitCalls(2);
        release.countDown();
        ItemResult own = second.get(10, TimeUnit.SECONDS).items().getFirst();
        assertThat(own.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(own.cached()).isFalse();
        assertThat(inFlight.size()).isZero();
    }

    private BatchExecutor executor(Function<ProviderCall, ProviderAnswer> behaviour, InstantSource clock) {
        ProviderRoster roster = ProviderRoster.of(List.of(new StubProvider("primary", "primary-model", behaviour)),
                new BuiltinProvider());
        ItemExecutor items = new ItemExecutor(roster, clock, Duration.ofSeconds(20), threads,
                new WorkerMetrics(registry));
        return new BatchExecutor(items, threads, clock, inFlight, Cancellations.NONE);
    }

    /** Counts the call, then answers only once the test releases it (or the call is interrupted). */
    private Function<ProviderCall, ProviderAnswer> held(Function<ProviderCall, ProviderAnswer> then) {
        return call -> {
            calls.incrementAndGet();
            try {
                if (!release.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
            return then.apply(call);
        };
    }

    private void awaitCalls(int expected) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls.get() < expected && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(calls).hasValue(expected);
    }

    /** The batch has claimed its items and is waiting for the answer, not calling: {@code count} follows in all. */
    private void awaitFollowers(Future<BatchResult> waiting, long count) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inFlight.followers() < count && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(inFlight.followers()).isEqualTo(count);
        assertThat(waiting).isNotDone();
    }

    private static ProviderAnswer answer() {
        return new ProviderAnswer(List.of(new Finding("code-injection", Severity.HIGH, 1, "eval of input", null)),
                "1 finding", "primary-model", new Usage(120, 40, 0, 0.002));
    }

    private static AnalysisBatch batch(String batchId, BatchItem... items) {
        Instant now = Instant.now();
        return new AnalysisBatch(SchemaVersion.CURRENT, batchId, "primary/auto/interactive", now, now, List.of(items));
    }

    private static BatchItem item(String requestId, String clientId, String path, Instant deadline) {
        return item(requestId, clientId, path, deadline, KEY);
    }

    private static BatchItem item(String requestId, String clientId, String path, Instant deadline, String key) {
        return item(requestId, clientId, path, deadline, key, false);
    }

    private static BatchItem item(String requestId, String clientId, String path, Instant deadline, String key,
            boolean stream) {
        return item(requestId, clientId, path, deadline, key, stream, Lane.INTERACTIVE);
    }

    private static BatchItem item(String requestId, String clientId, String path, Instant deadline, String key,
            boolean stream, Lane lane) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, requestId, clientId, AnalysisType.SECURITY,
                "python", path, "x = eval(s)\n", "primary", null, lane, Map.of(), deadline,
                stream ? Boolean.TRUE : null, null, null);
        return new BatchItem(key, request, List.of(new Requester(requestId, clientId, null, null)));
    }
}

package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScanSchedulerTest {
    private static final ScanSettings SETTINGS = ScanSettings.of(Path.of("repo"), "team-a", "127.0.0.1:9092",
            "jdbc:postgresql://127.0.0.1/x", "u", "p");

    private static ScanReport report(String repoName) {
        return new ScanReport("s", repoName, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), List.of(), List.of(), Path.of("a"),
                Path.of("b"));
    }

    @Test
    void shouldRefuseASecondScanOfTheSameRepositoryWhileOneRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> threads = new CopyOnWriteArrayList<>();
        try (ScanScheduler scheduler = new ScanScheduler(s -> {
            threads.add(Thread.currentThread().isVirtual() + " " + Thread.currentThread().getName());
            await(release);
            return report(s.repoName());
        }, r -> { }, Clock.systemUTC())) {
            var first = scheduler.runNow(SETTINGS);
            var second = scheduler.runNow(SETTINGS);
            var other = scheduler.runNow(SETTINGS.withRepoName("other"));

            assertThat(first).isPresent();
            assertThat(second).isEmpty();
            assertThat(other).as("another repository is not blocked").isPresent();
            assertThat(scheduler.skippedOverlaps()).isEqualTo(1);
            release.countDown();
            assertThat(first.orElseThrow().get(10, TimeUnit.SECONDS).repoName()).isEqualTo("repo");
            other.orElseThrow().get(10, TimeUnit.SECONDS);
            assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("true athena-scan-"));
            assertThat(scheduler.runNow(SETTINGS)).as("free again once the first finished").isPresent();
        }
    }

    @Test
    void shouldFreeTheRepositoryAndFailTheFutureWhenAScanEndsInAnError() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ScanScheduler scheduler = new ScanScheduler(s -> {
            if (calls.incrementAndGet() == 1) {
                throw new OutOfMemoryError("Java heap space (a test's)");
            }
            return report(s.repoName());
        }, r -> { }, Clock.systemUTC())) {
            var failed = scheduler.runNow(SETTINGS).orElseThrow();

            assertThat(failed).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                    .havingCause().isInstanceOf(OutOfMemoryError.class);
            assertThat(scheduler.runNow(SETTINGS)).as("the repository is free again").isPresent()
                    .get().satisfies(next -> assertThat(next.get(10, TimeUnit.SECONDS).repoName()).isEqualTo("repo"));
            assertThat(scheduler.skippedOverlaps()).isZero();
        }
    }

    @Test
    void shouldRunOnAFixedIntervalAndHandEachReportOver() throws Exception {
        AtomicInteger scans = new AtomicInteger();
        CountDownLatch reports = new CountDownLatch(3);
        try (ScanScheduler scheduler = new ScanScheduler(s -> {
            scans.incrementAndGet();
            return report(s.repoName());
        }, r -> reports.countDown(), Clock.systemUTC())) {
            var scheduled = scheduler.schedule(SETTINGS, ScanSchedule.every(Duration.ofMillis(50)));

            assertThat(reports.await(20, TimeUnit.SECONDS)).isTrue();
            scheduled.cancel();
            int afterCancel = scans.get();
            Thread.sleep(300);
            assertThat(scans.get()).as("no start after cancel beyond one already due").isLessThanOrEqualTo(afterCancel + 1);
        }
    }

    @Test
    void shouldSkipScheduledStartsWhileTheRepositoryIsStillBeingScanned() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger scans = new AtomicInteger();
        try (ScanScheduler scheduler = new ScanScheduler(s -> {
            scans.incrementAndGet();
            await(release);
            return report(s.repoName());
        }, r -> { }, Clock.systemUTC())) {
            scheduler.schedule(SETTINGS, ScanSchedule.every(Duration.ofMillis(30)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (scheduler.skippedOverlaps() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertThat(scheduler.skippedOverlaps()).isGreaterThanOrEqualTo(3);
            assertThat(scans.get()).isEqualTo(1);
            release.countDown();
        }
    }

    @Test
    void shouldComputeCronAndIntervalStartsFromTheLastPlannedStart() {
        Instant last = Instant.parse("2026-11-30T10:15:00Z");

        assertThat(ScanSchedule.every(Duration.ofHours(1)).next(last)).isEqualTo(Instant.parse("2026-11-30T11:15:00Z"));
        assertThat(ScanSchedule.cron("0 0 2 * * *", ZoneOffset.UTC).next(last))
                .isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

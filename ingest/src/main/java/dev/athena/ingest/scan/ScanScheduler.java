package dev.athena.ingest.scan;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs repository scans on a schedule.
 *
 * <p>Design notes: one named platform timer thread only decides when; every scan runs on its own virtual thread
 * (a scan is blocking I/O: files, JDBC, Kafka, and mostly waiting for results). At most one scan per repository
 * name runs at a time, whichever schedule or caller started it: a start that finds its repository busy is skipped
 * and counted, never queued, so a slow scan cannot pile up a backlog. Next starts are computed from the planned
 * start on the injected clock, so intervals do not drift by the time a scan takes.
 */
public final class ScanScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScanScheduler.class);

    private final Function<ScanSettings, ScanReport> scan;
    private final Consumer<ScanReport> onReport;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ExecutorService scans;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong skippedOverlaps = new AtomicLong();

    ScanScheduler(Function<ScanSettings, ScanReport> scan, Consumer<ScanReport> onReport, Clock clock) {
        this.scan = Objects.requireNonNull(scan, "scan");
        this.onReport = Objects.requireNonNull(onReport, "onReport");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("athena-scan-timer").daemon().factory());
        this.scans = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("athena-scan-", 0).factory());
    }

    /** Scans with {@link RepositoryScan#run(ScanSettings, Clock)} and hands each report to {@code onReport}. */
    public static ScanScheduler start(Consumer<ScanReport> onReport) {
        Clock clock = Clock.systemUTC();
        return new ScanScheduler(settings -> RepositoryScan.run(settings, clock), onReport, clock);
    }

    /** A scheduled scan; {@link #cancel()} stops future starts and leaves a running scan to finish. */
    public interface Scheduled {
        void cancel();

        Instant nextStart();
    }

    /** Starts a scan now unless one of the same repository is running (then empty, and counted). */
    public Optional<CompletableFuture<ScanReport>> runNow(ScanSettings settings) {
        if (!running.add(settings.repoName())) {
            skippedOverlaps.incrementAndGet();
            LOG.warn("scan of {} skipped: the previous one is still running", settings.repoName());
            return Optional.empty();
        }
        CompletableFuture<ScanReport> done = new CompletableFuture<>();
        try {
            scans.execute(() -> {
                ScanReport report;
                try {
                    report = scan.apply(settings);
                } catch (RuntimeException | Error e) {
                    // an Error too (a repository too large for the heap, say): otherwise the repository stayed
                    // marked as running and every later scan of it was skipped as an overlap, for ever
                    running.remove(settings.repoName());
                    LOG.warn("scan of {} failed: {}", settings.repoName(), e.toString());
                    done.completeExceptionally(e);
                    if (e instanceof VirtualMachineError fatal) {
                        throw fatal;
                    }
                    return;
                }
                // Free the repository before anyone learns the scan ended, so whoever reacts may start the next.
                running.remove(settings.repoName());
                try {
                    onReport.accept(report);
                } catch (RuntimeException e) {
                    LOG.warn("report handler of {} failed: {}", settings.repoName(), e.toString());
                }
                done.complete(report);
            });
        } catch (RuntimeException e) {
            running.remove(settings.repoName());
            throw e;
        }
        return Optional.of(done);
    }

    /** Runs {@code settings} at every start of {@code schedule}, the first one being its next after now. */
    public Scheduled schedule(ScanSettings settings, ScanSchedule schedule) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(schedule, "schedule");
        AtomicReference<Instant> next = new AtomicReference<>(schedule.next(clock.instant()));
        AtomicReference<ScheduledFuture<?>> pending = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable[] fire = new Runnable[1];
        fire[0] = () -> {
            if (cancelled.get()) {
                return;
            }
            runNow(settings);
            Instant now = clock.instant();
            Instant following = schedule.next(next.get());
            // After a pause (a suspended machine) do not replay every missed start: resume from now.
            next.set(following.isBefore(now) ? schedule.next(now) : following);
            pending.set(timer.schedule(fire[0], delayUntil(next.get()), TimeUnit.MILLISECONDS));
        };
        pending.set(timer.schedule(fire[0], delayUntil(next.get()), TimeUnit.MILLISECONDS));
        LOG.info("scans of {} scheduled ({}), first at {}", settings.repoName(), schedule, next.get());
        return new Scheduled() {
            @Override
            public void cancel() {
                cancelled.set(true);
                ScheduledFuture<?> f = pending.get();
                if (f != null) {
                    f.cancel(false);
                }
            }

            @Override
            public Instant nextStart() {
                return next.get();
            }
        };
    }

    private long delayUntil(Instant at) {
        return Math.max(0, Duration.between(clock.instant(), at).toMillis());
    }

    /** Starts refused because the same repository was still being scanned. */
    public long skippedOverlaps() {
        return skippedOverlaps.get();
    }

    public boolean isRunning(String repoName) {
        return running.contains(repoName);
    }

    /** Stops the timer; running scans are interrupted after {@code grace}. */
    public void close(Duration grace) {
        timer.shutdownNow();
        scans.shutdown();
        try {
            if (!scans.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                scans.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scans.shutdownNow();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}

package dev.athena.collector.admission;

import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.Rejection;
import dev.athena.schemas.validation.RejectionReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * Admission's log lines about rejected requests: the first at once, then at most one line per interval, naming the
 * latest rejection and counting by reason those since the previous line. Every rejected record is on the DLQ with
 * its reason and counted in {@code athena.collector.rejections}, so a line per record adds nothing an operator
 * lacks, while a client sending bad records at full rate would flood the log from the stream thread: one request
 * in ten bad took 7 % of that thread's time in the benchmark ({@code -Dbench.bad=10}). At DEBUG every rejection
 * still gets its line. Single-threaded, like the processor that owns it.
 */
final class RejectionLog {
    static final Duration EVERY = Duration.ofSeconds(10);

    private final Logger log;
    private final long everyNanos;
    private final LongSupplier nanoTime;
    private final Map<RejectionReason, Long> unlogged = new EnumMap<>(RejectionReason.class);
    private long unloggedTotal;
    private boolean anyLine;
    private long lastLineNanos;

    RejectionLog(Logger log, Duration every, LongSupplier nanoTime) {
        this.log = log;
        this.everyNanos = every.toNanos();
        this.nanoTime = nanoTime;
    }

    void rejected(Rejection rejection) {
        long now = nanoTime.getAsLong();
        if (anyLine && now - lastLineNanos < everyNanos) {
            unlogged.merge(rejection.reason(), 1L, Long::sum);
            unloggedTotal++;
            if (log.isDebugEnabled()) {
                log.debug("rejected request {} of client {}: {} ({})", rejection.requestId(), rejection.clientId(),
                        rejection.reason(), rejection.field());
            }
            return;
        }
        log.info("rejected request {} of client {}: {} ({}){}", rejection.requestId(), rejection.clientId(),
                rejection.reason(), rejection.field(), unloggedTotal == 0 ? ""
                        : "; " + tally() + " since the previous line, each on " + Topics.REQUESTS_DLQ);
        unlogged.clear();
        unloggedTotal = 0;
        anyLine = true;
        lastLineNanos = now;
    }

    /** The rejections not yet counted in a line, if any: when the processor closes, so none goes untold. */
    void flush() {
        if (unloggedTotal > 0) {
            log.info("{} since the last line, each on {}", tally(), Topics.REQUESTS_DLQ);
            unlogged.clear();
            unloggedTotal = 0;
        }
    }

    private String tally() {
        return unloggedTotal + " more rejected (" + unlogged.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")";
    }
}

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
 * Admission's log lines about rejected requests: the first at once, then at most one line per interval, counting by
 * reason those since the previous line. Every rejected record is on the DLQ with its reason and counted in
 * {@code athena.collector.rejections}, so a line per record adds nothing an operator lacks, while a client sending
 * bad records at full rate would flood the log from the stream thread: with one request in ten bad, those lines
 * took 7 % of that thread's time in the benchmark ({@code -Dbench.bad=10}). At DEBUG every rejection still gets its
 * line. Rejections not yet counted in a line wait for the next rejection after the interval, for {@link #tick} (the
 * owner's wall-clock punctuation, so that a burst's count is told within an interval of its end), or for
 * {@link #flush} at close. Single-threaded, like the processor that owns it.
 */
final class RejectionLog {
    static final Duration EVERY = Duration.ofSeconds(10);

    private final Logger log;
    private final long everyMs;
    private final LongSupplier nowMs;
    private final Map<RejectionReason, Long> untold = new EnumMap<>(RejectionReason.class);
    private long untoldTotal;
    private boolean anyLine;
    private long lastLineMs;

    RejectionLog(Logger log, Duration every, LongSupplier nowMs) {
        this.log = log;
        this.everyMs = every.toMillis();
        this.nowMs = nowMs;
    }

    /** Logs or counts {@code rejection}; true when rejections wait to be told ({@link #tick} will). */
    boolean rejected(Rejection rejection) {
        long now = nowMs.getAsLong();
        if (anyLine && now - lastLineMs < everyMs) {
            untold.merge(rejection.reason(), 1L, Long::sum);
            untoldTotal++;
            if (log.isDebugEnabled()) {
                log.debug("rejected request {} of client {}: {} ({})", rejection.requestId(), rejection.clientId(),
                        rejection.reason(), rejection.field());
            }
            return true;
        }
        log.info("rejected request {} of client {}: {} ({}){}", rejection.requestId(), rejection.clientId(),
                rejection.reason(), rejection.field(), untoldTotal == 0 ? "" : "; " + tally());
        told(now);
        return false;
    }

    /** Tells the rejections waiting if a line is due; true while some still wait. */
    boolean tick() {
        long now = nowMs.getAsLong();
        if (now - lastLineMs >= everyMs) {
            tellUntold(now);
        }
        return untoldTotal > 0;
    }

    /** Tells the rejections waiting, due or not: when the processor closes, so that none goes untold. */
    void flush() {
        tellUntold(nowMs.getAsLong());
    }

    private void tellUntold(long now) {
        if (untoldTotal > 0) {
            log.info("{}", tally());
            told(now);
        }
    }

    private void told(long now) {
        untold.clear();
        untoldTotal = 0;
        anyLine = true;
        lastLineMs = now;
    }

    private String tally() {
        return untoldTotal + " more rejected (" + untold.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
                + ") since the previous line, each on " + Topics.REQUESTS_DLQ;
    }
}

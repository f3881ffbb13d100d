package dev.athena.schemas.validation;

import dev.athena.schemas.topic.Topics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * Log lines about records rejected by the contract: the first at once, then at most one line per interval, counting
 * by reason those since the previous line. Every rejected record is on the DLQ with its reason and counted in a
 * meter, so a line per record adds nothing an operator lacks, while anyone sending bad records at full rate would
 * flood the log from the thread that reads them: with one request in ten bad, those lines took 7 % of the
 * collector's stream thread in its benchmark. At DEBUG every rejection still gets its line. Rejections not yet
 * counted in a line wait for the next rejection after the interval, for {@link #tick} (which the owner calls on the
 * wall clock, so that a burst's count is told within an interval of its end), or for {@link #flush} at close.
 * Single-threaded, like the reader that owns it.
 */
public final class RejectionLog {
    public static final Duration EVERY = Duration.ofSeconds(10);

    private final Logger log;
    private final String what;
    private final long everyMs;
    private final LongSupplier nowMs;
    private final Map<RejectionReason, Long> untold = new EnumMap<>(RejectionReason.class);
    private long untoldTotal;
    private boolean anyLine;
    private long lastLineMs;

    /** {@code what} names a rejected record in a line: "request", "cancellation of request". */
    public RejectionLog(Logger log, String what, Duration every, LongSupplier nowMs) {
        this.log = log;
        this.what = what;
        this.everyMs = every.toMillis();
        this.nowMs = nowMs;
    }

    /** Logs or counts {@code rejection}; true when rejections wait to be told ({@link #tick} will). */
    public boolean rejected(Rejection rejection) {
        long now = nowMs.getAsLong();
        if (anyLine && now - lastLineMs < everyMs) {
            untold.merge(rejection.reason(), 1L, Long::sum);
            untoldTotal++;
            if (log.isDebugEnabled()) {
                log.debug("{}", describe(rejection));
            }
            return true;
        }
        log.info("{}{}", describe(rejection), untoldTotal == 0 ? "" : "; " + tally());
        told(now);
        return false;
    }

    /** Tells the rejections waiting if a line is due; true while some still wait. */
    public boolean tick() {
        long now = nowMs.getAsLong();
        if (now - lastLineMs >= everyMs) {
            tellUntold(now);
        }
        return untoldTotal > 0;
    }

    /** Tells the rejections waiting, due or not: when the owner closes, so that none goes untold. */
    public void flush() {
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

    /** What could be read of the record: a record that is not JSON has no id or client to name. */
    private String describe(Rejection rejection) {
        StringBuilder line = new StringBuilder("rejected ").append(what);
        if (rejection.requestId() != null) {
            line.append(' ').append(rejection.requestId());
        }
        if (rejection.clientId() != null) {
            line.append(" of client ").append(rejection.clientId());
        }
        line.append(": ").append(rejection.reason());
        if (rejection.field() != null) {
            line.append(" (").append(rejection.field()).append(')');
        }
        return line.toString();
    }

    private String tally() {
        return untoldTotal + " more rejected (" + untold.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
                + ") since the previous line, each on " + Topics.REQUESTS_DLQ;
    }
}

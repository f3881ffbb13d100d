package dev.athena.schemas.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RejectionLogTest {
    private static final Duration EVERY = Duration.ofSeconds(10);

    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.athena.schemas.validation.test-rejections");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final AtomicLong millis = new AtomicLong(1_000);
    private final RejectionLog log = new RejectionLog(logger, "request", EVERY, millis::get);

    @BeforeEach
    void listen() {
        logger.setLevel(Level.INFO);
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(lines);
        logger.setLevel(null);
    }

    @Test
    void shouldLogTheFirstRejectionAtOnce() {
        assertThat(log.rejected(rejection("r-1", RejectionReason.EMPTY_CODE, "code"))).isFalse();

        assertThat(messages()).containsExactly("rejected request r-1 of client team-a: EMPTY_CODE (code)");
        assertThat(lines.list.getFirst().getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void shouldCountRejectionsWithinTheIntervalInTheNextLine() {
        log.rejected(rejection("r-1", RejectionReason.EMPTY_CODE, "code"));
        for (int i = 2; i <= 1_000; i++) {
            millis.addAndGet(1); // 999 ms in all, well inside the interval
            assertThat(log.rejected(rejection("r-" + i,
                    i % 3 == 0 ? RejectionReason.INVALID_JSON : RejectionReason.EMPTY_CODE, "code"))).isTrue();
        }
        assertThat(log.tick()).isTrue();
        assertThat(lines.list).hasSize(1);

        millis.addAndGet(EVERY.toMillis());
        log.rejected(rejection("r-1001", RejectionReason.MISSING_FIELD, "analysisType"));

        assertThat(messages()).hasSize(2).last().isEqualTo("rejected request r-1001 of client team-a: MISSING_FIELD "
                + "(analysisType); 999 more rejected (INVALID_JSON 333, EMPTY_CODE 666) since the previous line, "
                + "each on athena.requests.dlq");
    }

    @Test
    void shouldStartCountingAfreshAfterEachLine() {
        log.rejected(rejection("r-1", RejectionReason.EMPTY_CODE, "code"));
        millis.addAndGet(EVERY.toMillis());
        log.rejected(rejection("r-2", RejectionReason.EMPTY_CODE, "code"));
        millis.addAndGet(EVERY.toMillis());
        log.rejected(rejection("r-3", RejectionReason.DEADLINE_PASSED, "deadline"));

        assertThat(messages()).containsExactly("rejected request r-1 of client team-a: EMPTY_CODE (code)",
                "rejected request r-2 of client team-a: EMPTY_CODE (code)",
                "rejected request r-3 of client team-a: DEADLINE_PASSED (deadline)");
    }

    @Test
    void shouldTellWhatItHasNotLoggedYetWhenFlushed() {
        log.flush();
        assertThat(lines.list).isEmpty();

        log.rejected(rejection("r-1", RejectionReason.EMPTY_CODE, "code"));
        log.rejected(rejection("r-2", RejectionReason.INVALID_UTF8, null));
        log.flush();
        log.flush();

        assertThat(messages()).containsExactly("rejected request r-1 of client team-a: EMPTY_CODE (code)",
                "1 more rejected (INVALID_UTF8 1) since the previous line, each on athena.requests.dlq");
    }

    @Test
    void shouldTellABurstsCountOnTheFirstTickAnIntervalAfterTheLastLine() {
        log.rejected(rejection("r-1", RejectionReason.EMPTY_CODE, "code"));
        log.rejected(rejection("r-2", RejectionReason.MISSING_FIELD, "code"));
        log.rejected(rejection("r-3", RejectionReason.MISSING_FIELD, "code"));
        millis.addAndGet(EVERY.toMillis() - 1);
        assertThat(log.tick()).isTrue();
        assertThat(lines.list).hasSize(1);

        millis.addAndGet(1);
        assertThat(log.tick()).isFalse();
        assertThat(log.tick()).isFalse();

        assertThat(messages()).containsExactly("rejected request r-1 of client team-a: EMPTY_CODE (code)",
                "2 more rejected (MISSING_FIELD 2) since the previous line, each on athena.requests.dlq");
        // the tick's line counts as a line: the next rejection within the interval waits again
        assertThat(log.rejected(rejection("r-4", RejectionReason.EMPTY_CODE, "code"))).isTrue();
    }

    @Test
    void shouldLogEveryRejectionAtDebug() {
        logger.setLevel(Level.DEBUG);
        log.rejected(rejection("r-1", RejectionReason.EMPTY_CODE, "code"));
        log.rejected(rejection("r-2", RejectionReason.EMPTY_CODE, "code"));

        assertThat(lines.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.INFO, Level.DEBUG);
        assertThat(lines.list.get(1).getFormattedMessage()).contains("r-2").contains("EMPTY_CODE");
    }

    @Test
    void shouldNameOnlyWhatCouldBeReadOfTheRecord() {
        RejectionLog cancellations = new RejectionLog(logger, "cancellation of request", EVERY, millis::get);
        cancellations.rejected(new Rejection(RejectionReason.INVALID_JSON, null, "not JSON", null, null));
        millis.addAndGet(EVERY.toMillis());
        cancellations.rejected(new Rejection(RejectionReason.MISSING_FIELD, "clientId", "missing", "r-9", null));

        assertThat(messages()).containsExactly("rejected cancellation of request: INVALID_JSON",
                "rejected cancellation of request r-9: MISSING_FIELD (clientId)");
    }

    private List<String> messages() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static Rejection rejection(String requestId, RejectionReason reason, String field) {
        return new Rejection(reason, field, "what was wrong", requestId, "team-a");
    }
}

package dev.athena.schemas.topic;

import java.time.Duration;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Commits a producer's transaction, asking again while the commit times out. After {@code commitTransaction}
 * times out Kafka refuses every other transactional call (an abort throws) until the same commit is retried, and
 * the commit may well have reached the coordinator already: asking again is the only way to learn how it ended.
 * Aborting there instead, as a failed commit otherwise is, threw out of the consume-produce loops of the workers
 * and the splitter and restarted them.
 */
public final class TransactionCommit {
    /**
     * Longer than the pipeline's transaction timeouts (15-20 s): by then the coordinator has settled the
     * transaction either way.
     */
    public static final Duration PATIENCE = Duration.ofSeconds(40);

    private TransactionCommit() {
    }

    /**
     * Commits, retrying timeouts for at most {@code patience}; returns how many attempts it took. Past that, the
     * last timeout is thrown and the producer is of no further use.
     */
    public static int commit(Producer<?, ?> producer, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return attempt;
            } catch (TimeoutException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw e;
                }
            }
        }
    }
}

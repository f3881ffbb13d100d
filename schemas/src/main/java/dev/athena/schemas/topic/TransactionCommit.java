package dev.athena.schemas.topic;

import java.time.Duration;
import java.util.function.BooleanSupplier;
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
    private TransactionCommit() {
    }

    /**
     * Commits, retrying timeouts for at most {@code patience}; returns how many attempts it took. Past that, the
     * last timeout is thrown and the producer is of no further use.
     */
    public static int commit(Producer<?, ?> producer, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        return commitWhile(producer, () -> System.nanoTime() - deadline < 0);
    }

    /**
     * Commits, retrying timeouts for as long as {@code wanted} says the caller still runs; returns how many
     * attempts it took. For the consume-produce loops: until the commit's outcome is known their producer can do
     * nothing else, and a broker away for longer than any fixed patience (a lone broker's restart can take
     * minutes) would otherwise stop them for good. Once {@code wanted} is false the last timeout is thrown.
     */
    public static int commitWhile(Producer<?, ?> producer, BooleanSupplier wanted) {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return attempt;
            } catch (TimeoutException e) {
                if (!wanted.getAsBoolean()) {
                    throw e;
                }
            }
        }
    }
}

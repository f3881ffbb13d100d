package dev.athena.workers.execution;

import java.time.Duration;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;

/** Closes a loop's consumer and producer, bounded, on the way out: a failure to close must not hide why it stopped. */
public final class KafkaClientsClosing {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private KafkaClientsClosing() {
    }

    public static void closeQuietly(Consumer<?, ?> consumer, Producer<?, ?> producer, Logger log) {
        try {
            // leaving even as a static member: a clean stop hands the partitions over now, not after a session
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            log.debug("consumer close failed", e);
        }
        try {
            producer.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            log.debug("producer close failed", e);
        }
    }
}

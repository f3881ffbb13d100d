package dev.athena.workers;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * Whether the threads doing this instance's work (the batch loop, the provider batch poller) still run. Each runs
 * {@link #watch watched}: one that ends while nobody asked it to stop (an exception it could not handle, a fenced
 * producer) makes the instance dead, for good. Before, nothing noticed: the process waited for ever, its health
 * snapshots stayed fresh, and the partitions it held were nobody's until it was restarted by hand.
 */
final class Liveness {
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Throwable death;

    /** {@code task} as it runs on its thread; {@code failure} is what it recorded as the reason it stopped. */
    Runnable watch(String name, Runnable task, Supplier<Throwable> failure) {
        return () -> {
            Throwable escaped = null;
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                escaped = e;
                throw e;
            } finally {
                if (!stopping) {
                    Throwable cause = escaped != null ? escaped : failure.get();
                    died(new IllegalStateException(name + " stopped"
                            + (cause == null ? "" : ": " + cause), cause));
                }
            }
        };
    }

    private void died(Throwable why) {
        if (death == null) {
            death = why;
        }
        ended.countDown();
    }

    /** The instance is being closed: threads ending from now on were asked to. */
    void stopping() {
        stopping = true;
        ended.countDown();
    }

    boolean alive() {
        return death == null;
    }

    Optional<Throwable> death() {
        return Optional.ofNullable(death);
    }

    /** Blocks until a watched thread dies (its reason) or the instance is closed (empty). */
    Optional<Throwable> awaitEnd() throws InterruptedException {
        ended.await();
        return death();
    }
}

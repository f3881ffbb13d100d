package dev.athena.infra.stack;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a server process this JVM started when the JVM exits without its owner having closed it, so no server
 * outlives the JVM. Unlike a plain shutdown hook (which the embedded Redis and PostgreSQL libraries register, and
 * the JVM runs alongside every other hook), it gives the owner's own shutdown time to close the server last: the
 * pipeline's services drain first and still reach Redis and PostgreSQL while they do.
 */
final class ExitBackstop {
    /** How long an exiting JVM waits for the owner before it stops the server itself. */
    static final Duration GRACE = Duration.ofSeconds(20);
    private static final Logger LOG = LoggerFactory.getLogger(ExitBackstop.class);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    private ExitBackstop(String server, Runnable stop) {
        this.hook = new Thread(() -> {
            try {
                if (!closed.await(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("{} was not closed {} s into the JVM's exit; stopping it", server, GRACE.toSeconds());
                    stop.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "athena-exit-backstop");
    }

    /**
     * Registers the backstop of a server just started; {@code stop} must end its process. Once the JVM has begun to
     * exit no hook can be added, so the server is stopped at once and the start fails.
     */
    static ExitBackstop register(String server, Runnable stop) {
        ExitBackstop backstop = new ExitBackstop(server, stop);
        try {
            Runtime.getRuntime().addShutdownHook(backstop.hook);
        } catch (IllegalStateException exiting) {
            stop.run();
            throw new IllegalStateException("the JVM is exiting: " + server + " is not started", exiting);
        }
        return backstop;
    }

    /** The owner closed the server: nothing left to do at exit. */
    void closed() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is already exiting: the hook runs and returns at once
        }
    }
}

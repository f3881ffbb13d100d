package dev.athena.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An embedded pipeline that this JVM started and stops exactly once: when its owner closes it, or when the JVM is
 * stopped (Ctrl-C, a signal), also while the pipeline is still starting.
 *
 * <p>Design notes: the stop at exit is registered before the start, since a start takes 10-30 s and a signal
 * then must still stop what started. It waits for a start in progress to end (up to {@link #START_LIMIT}) and
 * only then stops the pipeline: the servers starting meanwhile refuse to start in an exiting JVM, so the start
 * ends at once, stopping what it had started. Stopping while it starts would race it; deleting a directory under
 * it had the broker halt the JVM ("all log dirs have failed") before any other cleanup ran.
 */
final class OwnedPipeline implements AutoCloseable {
    static final Duration START_LIMIT = Duration.ofSeconds(90);
    private final Runnable beforeStop;
    private final Runnable afterStop;
    private final Thread onExit;
    /** Held while the pipeline starts and while it is stopped. */
    private final ReentrantLock lock = new ReentrantLock();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private EmbeddedPipeline pipeline;
    private boolean closed;
    /** Set as soon as the JVM's exit asks for the stop, while a start may still hold the lock. */
    private volatile boolean exiting;

    private OwnedPipeline(String name, Runnable beforeStop, Runnable afterStop) {
        this.beforeStop = beforeStop;
        this.afterStop = afterStop;
        this.onExit = new Thread(this::closeAtExit, name);
    }

    /**
     * Starts a pipeline on {@code dir} ({@link EmbeddedPipeline#start}); {@code beforeStop} and {@code afterStop}
     * run around its stop, whichever way it comes, also when the start fails.
     */
    static OwnedPipeline start(Path dir, int kafkaPort, int httpPort, String name, Runnable beforeStop,
            Runnable afterStop) {
        OwnedPipeline owned = new OwnedPipeline(name, beforeStop, afterStop);
        owned.lock.lock();
        try {
            Runtime.getRuntime().addShutdownHook(owned.onExit);
            owned.pipeline = EmbeddedPipeline.start(dir, kafkaPort, httpPort);
            return owned;
        } catch (RuntimeException | Error e) {
            owned.closeHeld();
            throw e;
        } finally {
            owned.lock.unlock();
        }
    }

    EmbeddedPipeline pipeline() {
        return pipeline;
    }

    /** Waits up to {@code timeout} for the pipeline to be stopped, by its owner or at the JVM's exit. */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the pipeline, once, from whichever comes first: the owner or the exit. */
    @Override
    public void close() {
        lock.lock();
        try {
            closeHeld();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the JVM is exiting and the pipeline about to stop, or stopped: its start came too late to use. */
    boolean exiting() {
        return exiting;
    }

    private void closeAtExit() {
        exiting = true;
        boolean held = false;
        try {
            held = lock.tryLock(START_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            closeHeld();
        } finally {
            if (held) {
                lock.unlock();
            }
        }
    }

    private void closeHeld() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            beforeStop.run();
            if (pipeline != null) {
                pipeline.close();
            }
        } finally {
            try {
                afterStop.run();
            } finally {
                stopped.countDown();
                if (Thread.currentThread() != onExit) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(onExit);
                    } catch (IllegalStateException exiting) {
                        // the JVM is exiting: the hook finds the pipeline closed and returns
                    }
                }
            }
        }
    }
}

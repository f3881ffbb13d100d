package dev.athena.launcher;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.TempDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pipeline started for one command ({@code submit}, {@code scan}) when none is running, in a temporary
 * directory that goes with it: when the command ends, and also when the JVM is stopped meanwhile (Ctrl-C, a
 * signal), which skips the command's own cleanup; each such pipeline's data takes about 100 MB.
 *
 * <p>Design notes: the servers are stopped before their files are deleted, never the other way round. Deleted
 * under it, the broker halts the JVM ("all log dirs have failed") before any other cleanup runs, and Redis,
 * unable to save, ignores the request to stop; both happened when the exit deleted the directory while the
 * pipeline was still starting. So a stop that comes while the pipeline starts waits for the start to end.
 */
final class TemporaryPipeline implements AutoCloseable {
    /** How long an exit waits for a start in progress before it deletes the directory anyway. */
    private static final Duration START_LIMIT = Duration.ofSeconds(90);
    private final Path dir;
    private final Thread onExit;
    /** Held while the pipeline starts and while it is closed. */
    private final ReentrantLock lock = new ReentrantLock();
    private EmbeddedPipeline pipeline;
    private boolean closed;

    private TemporaryPipeline(Path dir) {
        this.dir = dir;
        this.onExit = new Thread(this::closeAtExit, "athena-temporary-pipeline-cleanup");
    }

    /** Starts one in a new directory named {@code prefix...} under the system's temporary directory. */
    static TemporaryPipeline start(String prefix) throws IOException {
        TemporaryPipeline temporary = new TemporaryPipeline(Files.createTempDirectory(prefix));
        temporary.lock.lock();
        try {
            // before the pipeline starts: a signal while it starts (10-30 s) must not leave the directory behind
            Runtime.getRuntime().addShutdownHook(temporary.onExit);
            temporary.pipeline = EmbeddedPipeline.start(temporary.dir, 0, -1);
            return temporary;
        } catch (RuntimeException | Error e) {
            temporary.closeHeld();
            throw e;
        } finally {
            temporary.lock.unlock();
        }
    }

    Endpoints endpoints() {
        return pipeline.endpoints();
    }

    /** Stops the pipeline and deletes its directory, once, from whichever comes first: the command or the exit. */
    @Override
    public void close() {
        lock.lock();
        try {
            closeHeld();
        } finally {
            lock.unlock();
        }
    }

    private void closeAtExit() {
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
            if (pipeline != null) {
                pipeline.close();
            }
        } finally {
            TempDirectories.deleteTree(dir);
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

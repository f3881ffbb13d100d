package dev.athena.launcher;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.TempDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pipeline started for one command ({@code submit}, {@code scan}) when none is running, in a temporary
 * directory that goes with it: when the command ends, and also when the JVM is stopped meanwhile (Ctrl-C, a
 * signal), which skips the command's own cleanup; each such pipeline's data takes about 100 MB.
 */
final class TemporaryPipeline implements AutoCloseable {
    private final Path dir;
    private final Thread onExit;
    private EmbeddedPipeline pipeline;
    private boolean closed;

    private TemporaryPipeline(Path dir) {
        this.dir = dir;
        this.onExit = new Thread(this::close, "athena-temporary-pipeline-cleanup");
    }

    /** Starts one in a new directory named {@code prefix...} under the system's temporary directory. */
    static TemporaryPipeline start(String prefix) throws IOException {
        TemporaryPipeline temporary = new TemporaryPipeline(Files.createTempDirectory(prefix));
        // before the pipeline starts: a signal while it starts (10-30 s) must not leave the directory behind
        Runtime.getRuntime().addShutdownHook(temporary.onExit);
        try {
            EmbeddedPipeline started = EmbeddedPipeline.start(temporary.dir, 0, -1);
            synchronized (temporary) {
                temporary.pipeline = started;
                if (temporary.closed) { // the JVM began to exit while it started
                    started.close();
                }
            }
        } catch (RuntimeException | Error e) {
            temporary.close();
            throw e;
        }
        return temporary;
    }

    synchronized Endpoints endpoints() {
        return pipeline.endpoints();
    }

    /** Stops the pipeline and deletes its directory, once, from whichever comes first: the command or the exit. */
    @Override
    public synchronized void close() {
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

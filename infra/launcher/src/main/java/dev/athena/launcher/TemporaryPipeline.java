package dev.athena.launcher;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.TempDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pipeline started for one command ({@code submit}, {@code scan}) when none is running, in a temporary
 * directory that goes with it: when the command ends, and also when the JVM is stopped meanwhile (Ctrl-C, a
 * signal), which skips the command's own cleanup; each such pipeline's data takes about 100 MB. The servers are
 * stopped before their files are deleted, never the other way round ({@link OwnedPipeline}).
 */
final class TemporaryPipeline implements AutoCloseable {
    private final OwnedPipeline owned;

    private TemporaryPipeline(OwnedPipeline owned) {
        this.owned = owned;
    }

    /** Starts one in a new directory named {@code prefix...} under the system's temporary directory. */
    static TemporaryPipeline start(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        return new TemporaryPipeline(OwnedPipeline.start(dir, 0, -1, "athena-temporary-pipeline-cleanup", () -> { },
                () -> TempDirectories.deleteTree(dir)));
    }

    Endpoints endpoints() {
        return owned.pipeline().endpoints();
    }

    /** Stops the pipeline and deletes its directory, once, from whichever comes first: the command or the exit. */
    @Override
    public void close() {
        owned.close();
    }
}

package dev.athena.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One local stack per JVM, started on first use and stopped by a shutdown hook: tests of every class share it,
 * each on topics and client ids of its own.
 */
public final class SharedLocalStack {
    private static LocalStack stack;

    private SharedLocalStack() {
    }

    public static synchronized LocalStack get() {
        if (stack == null) {
            Path dir = tempDir();
            stack = LocalStack.start(StackOptions.fromEnvironment(dir, 0));
            LocalStack started = stack;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                TempDirectories.deleteTree(dir);
            }, "athena-local-stack-shutdown"));
        }
        return stack;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("athena-stack-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.athena.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryLockTest {
    @Test
    void shouldRefuseASecondHolderUntilTheFirstLetsGo(@TempDir Path dir) {
        DataDirectoryLock first = DataDirectoryLock.acquire(dir);

        assertThatThrownBy(() -> DataDirectoryLock.acquire(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another process runs Athena's servers on " + dir.toAbsolutePath());

        first.close();
        DataDirectoryLock.acquire(dir).close();
    }

    @Test
    void shouldSayWhyADirectoryCannotBeLocked(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x\n");

        assertThatThrownBy(() -> DataDirectoryLock.acquire(file)).hasMessage("cannot lock the data directory " + file
                + ": " + file + " is a file, not a directory");
        assertThatThrownBy(() -> DataDirectoryLock.acquire(Path.of("/proc/athena-data")))
                .hasMessageStartingWith("cannot lock the data directory /proc/athena-data: ")
                .hasMessageContaining("Exception");
    }

    @Test
    void shouldStartNoServerOnADirectoryAnotherStackHolds(@TempDir Path dir) throws Exception {
        try (DataDirectoryLock held = DataDirectoryLock.acquire(dir)) {
            assertThatThrownBy(() -> LocalStack.start(StackOptions.fromEnvironment(dir, 0)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("another process");
        }
        try (var entries = Files.list(dir)) {
            assertThat(entries.map(p -> p.getFileName().toString())).as("no server's files")
                    .containsExactly(DataDirectoryLock.FILE);
        }
    }
}

package dev.athena.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock across processes, as two {@code ./athena up} on one directory would meet it. */
@Tag("integration")
class DataDirectoryLockIT {
    @Test
    void shouldRefuseTheDirectoryOfAnotherProcessAndTakeItOnceThatProcessIsGone(@TempDir Path dir)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), dir.toString())).redirectErrorStream(true).start();
        try {
            var lines = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).isEqualTo("locked");

            assertThatThrownBy(() -> DataDirectoryLock.acquire(dir)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another process");

            holder.destroyForcibly(); // killed, as a crash would: the system frees the lock
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            DataDirectoryLock.acquire(dir).close();
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    /** Holds a directory's lock until killed. */
    static final class LockHolder {
        public static void main(String[] args) throws InterruptedException {
            DataDirectoryLock.acquire(Path.of(args[0]));
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}

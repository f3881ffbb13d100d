package dev.athena.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class LiveProcessesTest {
    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldNotCountAZombieAsRunning() throws Exception {
        // bash starts a short sleep, then becomes a long sleep that never reaps it: the short one stays a zombie
        Process parent = new ProcessBuilder("bash", "-c", "sleep 0.1 & echo $!; exec sleep 30").start();
        try {
            long pid = Long.parseLong(new BufferedReader(new InputStreamReader(parent.getInputStream(),
                    StandardCharsets.UTF_8)).readLine().strip());
            awaitZombie(pid);
            ProcessHandle zombie = ProcessHandle.of(pid).orElseThrow();

            assertThat(zombie.isAlive()).as("what the JDK says of a zombie").isTrue();
            assertThat(LiveProcesses.running(zombie)).isFalse();
            assertThat(LiveProcesses.awaitGone(zombie, Duration.ZERO)).isTrue();
            assertThat(LiveProcesses.running(parent.toHandle())).isTrue();
            assertThat(LiveProcesses.awaitGone(parent.toHandle(), Duration.ofMillis(300))).isFalse();
        } finally {
            parent.destroyForcibly().waitFor();
        }
        assertThat(LiveProcesses.running(parent.toHandle())).as("a child we reaped").isFalse();
    }

    private static void awaitZombie(long pid) throws Exception {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.readString(stat).contains(") Z ")) {
            assertThat(System.nanoTime() - deadline).as("process %d never became a zombie", pid).isNegative();
            Thread.sleep(20);
        }
    }
}

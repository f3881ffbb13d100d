package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./athena up} stopped by a signal while it starts (Ctrl-C on a slow start): it stops what it started and
 * exits, instead of leaving the services to start in an exiting JVM and its servers to the 20 s backstop.
 */
@Tag("integration")
class UpStoppedWhileStartingIT {
    @Test
    void shouldStopWhatItStartedWhenStoppedBySignalWhileItsServicesStart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Process up = launch(data);
        CompletableFuture<List<String>> output = CompletableFuture.supplyAsync(() -> readAll(up));
        try {
            assertThat(awaitFile(data.resolve("state"))).as("the services starting").isTrue();
            long signalled = System.nanoTime();
            up.toHandle().destroy(); // SIGTERM (Process.destroy would close the pipe)
            assertThat(up.waitFor(90, TimeUnit.SECONDS)).as("up exited").isTrue();
            long tookSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - signalled);

            List<String> lines = output.get(10, TimeUnit.SECONDS);
            assertThat(String.join("\n", lines)).doesNotContain("Shutdown in progress")
                    .doesNotContain("into the JVM's exit; stopping it").doesNotContain("athena: ready");
            assertThat(tookSeconds).as("seconds from the signal to the exit; output %s", lines).isLessThan(60);
            assertThat(serversOf(data)).as("servers of its data directory still running").isEmpty();
        } finally {
            up.destroyForcibly().waitFor();
        }
    }

    /** PostgreSQL names its data directory; Redis's process id is in its own. */
    private static List<String> serversOf(Path data) throws IOException {
        List<String> running = new ArrayList<>(ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse("")).filter(c -> c.contains(data.toString())).toList());
        Path redisPid = data.resolve("redis").resolve("redis-server.pid");
        if (Files.exists(redisPid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(redisPid).strip())).filter(ProcessHandle::isAlive)
                    .ifPresent(p -> running.add("redis-server " + p.pid()));
        }
        return running;
    }

    private static Process launch(Path data) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx768m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Athena.class.getName(), "up", "--data", data.toString(),
                "--kafka-port", Integer.toString(FreePorts.pick()), "--http-port",
                Integer.toString(FreePorts.pick()))).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("ATHENA_"));
        return builder.start();
    }

    private static boolean awaitFile(Path path) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.exists(path)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static List<String> readAll(Process process) {
        List<String> lines = new ArrayList<>();
        try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException ended) {
            // the process is gone
        }
        return lines;
    }
}

package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class RunningPipelineTest {
    private static final Endpoints ENDPOINTS = new Endpoints("127.0.0.1:19092", "redis://127.0.0.1:16379",
            "jdbc:postgresql://127.0.0.1:15432/postgres", "postgres", "");

    @Test
    void shouldFindThePipelineWhileTheJvmThatWroteItRuns(@TempDir Path data) {
        RunningPipeline.write(data, ENDPOINTS);

        assertThat(RunningPipeline.live(data)).hasValueSatisfying(e -> {
            assertThat(e.kafkaBootstrap()).isEqualTo("127.0.0.1:19092");
            assertThat(e.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:15432/postgres");
        });
    }

    @Test
    void shouldNotCountAFileLeftByAProcessThatIsGone(@TempDir Path data) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        RunningPipeline.write(data, ENDPOINTS);
        Path file = data.resolve(RunningPipeline.FILE);
        String own = "pid=" + ProcessHandle.current().pid();
        Files.writeString(file, Files.readString(file).replace(own, "pid=" + gone.pid()));

        assertThat(RunningPipeline.live(data)).isEmpty();
        assertThat(RunningPipeline.read(data)).as("what the file says").isPresent();
    }

    /** A killed ./athena up stays a zombie until its parent reaps it: under a container's shell, maybe never. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldNotCountAProcessThatWasKilledButNotReaped(@TempDir Path data) throws Exception {
        Process parent = new ProcessBuilder("bash", "-c", "sleep 0.1 & echo $!; exec sleep 30").start();
        try {
            String zombie = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                    StandardCharsets.UTF_8)).readLine().strip();
            Path stat = Path.of("/proc", zombie, "stat");
            for (int i = 0; i < 500 && !Files.readString(stat).contains(") Z "); i++) {
                Thread.sleep(20);
            }
            assertThat(Files.readString(stat)).as("the short sleep, exited and not reaped").contains(") Z ");
            RunningPipeline.write(data, ENDPOINTS);
            Path file = data.resolve(RunningPipeline.FILE);
            String own = "pid=" + ProcessHandle.current().pid();
            Files.writeString(file, Files.readString(file).replace(own, "pid=" + zombie));

            assertThat(RunningPipeline.live(data)).isEmpty();
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    @Test
    void shouldNotCountAProcessThatStartedAfterTheFileWasWritten(@TempDir Path data) throws Exception {
        RunningPipeline.write(data, ENDPOINTS);
        Path file = data.resolve(RunningPipeline.FILE);
        Process later = new ProcessBuilder("sleep", "30").start();
        try {
            String own = "pid=" + ProcessHandle.current().pid();
            String text = Files.readString(file).replace(own, "pid=" + later.pid());
            Files.writeString(file, text);
            // the id of a process that started after ./athena up wrote its file: the same id, given again
            Files.setLastModifiedTime(file, FileTime.from(later.toHandle().info().startInstant().orElseThrow()
                    .minusSeconds(60)));

            assertThat(RunningPipeline.live(data)).isEmpty();
        } finally {
            later.destroyForcibly().waitFor();
        }
    }

    @Test
    void shouldNotCountAFileWithoutAUsableProcessId(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve(RunningPipeline.FILE), "kafka=127.0.0.1\\:19092\n");
        assertThat(RunningPipeline.live(data)).as("no pid").isEmpty();

        Files.writeString(data.resolve(RunningPipeline.FILE), "kafka=127.0.0.1\\:19092\npid=up\n");
        assertThat(RunningPipeline.live(data)).as("a pid that is no number").isEmpty();
    }

    @Test
    void shouldFindNothingWithoutAFile(@TempDir Path data) {
        assertThat(RunningPipeline.live(data)).isEmpty();
        assertThat(RunningPipeline.read(data)).isEmpty();
    }

    @Test
    void shouldFindNothingOnceCleared(@TempDir Path data) {
        RunningPipeline.write(data, ENDPOINTS);
        RunningPipeline.clear(data);
        assertThat(RunningPipeline.live(data)).isEmpty();
    }
}

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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./athena submit} with no pipeline to use starts a temporary one; stopped by a signal meanwhile, it leaves
 * nothing behind, neither files in the temporary directory nor server processes (the command's own cleanup never
 * runs then).
 */
@Tag("integration")
class TemporaryPipelineIT {
    @Test
    void shouldRemoveTheTemporaryPipelineWhenStoppedBySignalAsItStarts(@TempDir Path tmp, @TempDir Path work)
            throws Exception {
        stopBySignalOnceThere(tmp, work, "");
    }

    @Test
    void shouldRemoveTheTemporaryPipelineAndStopItsServersWhenStoppedBySignalOnceItsServicesStart(@TempDir Path tmp,
            @TempDir Path work) throws Exception {
        stopBySignalOnceThere(tmp, work, "state");
    }

    /** Runs the submission, stops it by SIGTERM once its temporary directory holds {@code part}, checks the rest. */
    private static void stopBySignalOnceThere(Path tmp, Path work, String part) throws Exception {
        Path file = Files.writeString(work.resolve("app.py"), "print('hello')\n");
        Process submit = launch(tmp, work, file, FreePorts.pick());
        try {
            List<String> output = new ArrayList<>();
            var lines = new BufferedReader(new InputStreamReader(submit.getInputStream(), StandardCharsets.UTF_8));
            assertThat(readUntil(lines, "starting one for this submission", output)).as("output %s", output)
                    .isTrue();
            assertThat(awaitTemporaryDirectory(tmp, part)).as("the temporary pipeline's directory with '%s'", part)
                    .isTrue();
            submit.toHandle().destroy(); // SIGTERM (Process.destroy would close the pipe)
            assertThat(submit.waitFor(90, TimeUnit.SECONDS)).as("submit exited").isTrue();
            assertThat(temporaryDirectories(tmp)).as("left in %s", tmp).isEmpty();
            assertThat(serversUnder(tmp)).as("servers of the temporary pipeline still running").isEmpty();
        } finally {
            submit.destroyForcibly().waitFor();
        }
    }

    /** Redis (its config file) and PostgreSQL (its data directory) name a path under the temporary directory. */
    private static List<String> serversUnder(Path tmp) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse(""))
                .filter(command -> command.contains(tmp.toString())).toList();
    }

    /** {@code athena submit FILE --kafka <nothing there>}, with {@code tmp} as its temporary directory. */
    private static Process launch(Path tmp, Path work, Path file, int kafkaPort) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Athena.class.getName(),
                "submit", file.toString(), "--client", "temp-signal", "--kafka", "127.0.0.1:" + kafkaPort,
                "--timeout", "300")).directory(work.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("ATHENA_"));
        return builder.start();
    }

    private static boolean awaitTemporaryDirectory(Path tmp, String part) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<Path> dirs = temporaryDirectories(tmp);
            if (dirs.size() == 1 && Files.exists(dirs.getFirst().resolve(part))) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static List<Path> temporaryDirectories(Path tmp) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("athena-submit-")).toList();
        }
    }

    /** Reads lines into {@code output} until one contains {@code text}: true, or false at the end. */
    private static boolean readUntil(BufferedReader lines, String text, List<String> output) throws IOException {
        String next;
        while ((next = lines.readLine()) != null) {
            output.add(next);
            if (next.contains(text)) {
                return true;
            }
        }
        return false;
    }
}

package dev.athena.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded servers at a JVM's exit, in a JVM of their own ({@link ServerExitProbe}): they serve until their
 * owner closes them, and they do not outlive a JVM that never did.
 */
@Tag("integration")
class ServerExitIT {
    @Test
    void shouldStillAnswerWhileTheJvmRunsItsOwnersShutdownHook(@TempDir Path dir) throws Exception {
        int redisPort = FreePorts.pick();
        int postgresPort = FreePorts.pick();
        Process probe = probe("close", dir, redisPort, postgresPort);
        try {
            List<String> output = new ArrayList<>();
            var lines = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8));
            assertThat(readUntil(lines, "started", output)).as("probe output %s", output).isTrue();
            probe.toHandle().destroy(); // SIGTERM, the JVM runs its shutdown hooks (Process.destroy closes the pipe)
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("probe exited").isTrue();
            readUntil(lines, null, output);
            assertThat(output).contains("redis answered", "postgres answered", "closed");
            assertRefused(redisPort, postgresPort);
        } finally {
            probe.destroyForcibly().waitFor();
        }
    }

    @Test
    void shouldNotOutliveAJvmThatNeverClosedThem(@TempDir Path dir) throws Exception {
        int redisPort = FreePorts.pick();
        int postgresPort = FreePorts.pick();
        Process probe = probe("leave", dir, redisPort, postgresPort);
        try {
            assertThat(probe.waitFor(ExitBackstop.GRACE.toSeconds() + 60, TimeUnit.SECONDS)).as("probe exited")
                    .isTrue();
            assertThat(new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("started");
            assertRefused(redisPort, postgresPort);
        } finally {
            probe.destroyForcibly().waitFor();
        }
    }

    /**
     * A JVM killed outright runs no hook: its servers outlive it, holding their directories. The next start on
     * those directories stops them first; the PostgreSQL did not start at all beside its predecessor.
     */
    @Test
    void shouldStopTheServersAKilledJvmLeftBeforeStartingOnTheirDirectories(@TempDir Path dir) throws Exception {
        int redisPort = FreePorts.pick();
        int postgresPort = FreePorts.pick();
        Process probe = probe("hold", dir, redisPort, postgresPort);
        try {
            List<String> output = new ArrayList<>();
            var lines = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8));
            assertThat(readUntil(lines, "started", output)).as("probe output %s", output).isTrue();
            probe.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(probe.waitFor(30, TimeUnit.SECONDS)).as("probe killed").isTrue();
            assertThat(RedisWire.command(redisPort, "PING")).as("the Redis the killed JVM left").isEqualTo("+PONG");
            Loopback.connect(postgresPort);

            try (EmbeddedRedis redis = EmbeddedRedis.start(dir.resolve("redis"), FreePorts.pick());
                    EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("postgres"), FreePorts.pick())) {
                assertThat(RedisWire.command(redis.port(), "PING")).isEqualTo("+PONG");
                try (var connection = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "")) {
                    assertThat(connection.isValid(2)).isTrue();
                }
                assertRefused(redisPort, postgresPort);
            }
        } finally {
            probe.destroyForcibly().waitFor();
            // should the test fail halfway, the killed probe's servers must not outlive it
            LeftoverServer.stopIfRunning(dir.resolve("redis").resolve(EmbeddedRedis.PID_FILE), "redis-server", "Redis");
            LeftoverServer.stopIfRunning(dir.resolve("postgres").resolve("data").resolve("postmaster.pid"), "postgres",
                    "PostgreSQL");
        }
    }

    private static void assertRefused(int redisPort, int postgresPort) {
        assertThatThrownBy(() -> Loopback.connect(redisPort)).as("Redis after the exit")
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Loopback.connect(postgresPort)).as("PostgreSQL after the exit")
                .isInstanceOf(IOException.class);
    }

    /**
     * The servers' owner in a JVM of its own; its temporary files (those a killed JVM cannot delete) go under
     * {@code dir}, deleted with the test.
     */
    private static Process probe(String mode, Path dir, int redisPort, int postgresPort) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path tmp = Files.createDirectories(dir.resolve("jvm-tmp"));
        return new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), ServerExitProbe.class.getName(), mode, dir.toString(),
                Integer.toString(redisPort), Integer.toString(postgresPort))).redirectErrorStream(true).start();
    }

    /** Reads lines into {@code output} until one equals {@code line} (true), or to the end (null: always true). */
    private static boolean readUntil(BufferedReader lines, String line, List<String> output) throws IOException {
        String next;
        while ((next = lines.readLine()) != null) {
            output.add(next);
            if (next.equals(line)) {
                return true;
            }
        }
        return line == null;
    }
}

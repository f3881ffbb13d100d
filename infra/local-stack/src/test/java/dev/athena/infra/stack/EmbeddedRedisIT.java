package dev.athena.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EmbeddedRedisIT {
    @Test
    void shouldRefuseConnectionsAsSoonAsStopReturnsAndAcceptThemAfterARestart(@TempDir Path dir) throws IOException {
        int port = FreePorts.pick();
        try (EmbeddedRedis redis = EmbeddedRedis.start(dir, port)) {
            for (int round = 0; round < 5; round++) {
                assertThatCode(() -> Loopback.connect(port)).as("round %d: running", round)
                        .doesNotThrowAnyException();
                redis.stop();
                assertThat(redis.isRunning()).isFalse();
                assertThatThrownBy(() -> Loopback.connect(port)).as("round %d: stopped", round)
                        .isInstanceOf(IOException.class);
                redis.restart();
            }
        }
    }

    /** The binary is written out once and kept; neither it nor a configuration file is left per start. */
    @Test
    void shouldLeaveNothingInTheTemporaryDirectoryPerStart(@TempDir Path dir) throws IOException {
        EmbeddedRedis.start(dir.resolve("first"), FreePorts.pick()).close();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<String> before = redisEntries(tmp);

        int port = FreePorts.pick();
        try (EmbeddedRedis redis = EmbeddedRedis.start(dir.resolve("second"), port)) {
            assertThat(RedisWire.command(port, "PING")).isEqualTo("+PONG");
        }

        assertThat(redisEntries(tmp)).as("what the start left in %s", tmp).isEqualTo(before);
        assertThat(RedisBinary.path()).startsWith(tmp).isExecutable();
    }

    /** The names embedded-redis's own provider and builder used: {@code redis-<n>/}, {@code embedded-redis-*.conf}. */
    private static Set<String> redisEntries(Path tmp) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith("redis-") || name.startsWith("embedded-redis-server_"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void shouldKeepItsDataWhenClosedAndStartedAgain(@TempDir Path dir) throws IOException {
        int port = FreePorts.pick();
        try (EmbeddedRedis redis = EmbeddedRedis.start(dir, port)) {
            assertThat(RedisWire.command(port, "SET athena:kept yes")).isEqualTo("+OK");
        }
        assertThatThrownBy(() -> Loopback.connect(port)).as("closed").isInstanceOf(IOException.class);
        try (EmbeddedRedis again = EmbeddedRedis.start(dir, port)) {
            assertThat(RedisWire.command(port, "GET athena:kept")).isEqualTo("yes");
        }
    }
}

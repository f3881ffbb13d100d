package dev.athena.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
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

package dev.athena.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The servers start side by side; when one of them cannot, the others are stopped before the failure is told. */
@Tag("integration")
class LocalStackStartFailureIT {
    @Test
    void shouldStopTheServersThatStartedWhenAnotherCannot(@TempDir Path dir) throws Exception {
        int kafkaPort = FreePorts.pick();
        int postgresPort = FreePorts.pick();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var options = new StackOptions(dir, kafkaPort, taken.getLocalPort(), postgresPort, Optional.empty(),
                    Optional.empty(), Optional.empty(), "postgres", "");

            assertThatThrownBy(() -> LocalStack.start(options)).hasMessageContaining("Redis")
                    .hasMessageContaining(Integer.toString(taken.getLocalPort()));
        }
        assertThatThrownBy(() -> Loopback.connect(kafkaPort)).as("the broker, stopped")
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Loopback.connect(postgresPort)).as("PostgreSQL, stopped")
                .isInstanceOf(IOException.class);
        try (DataDirectoryLock again = DataDirectoryLock.acquire(dir)) {
            assertThat(again).as("the data directory, released").isNotNull();
        }
    }
}

package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceInstanceIdTest {

    @Test
    void shouldKeepOneIdPerStateDirectoryAcrossStarts(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("data").resolve("state");

        String first = ServiceInstanceId.of(state);
        String again = ServiceInstanceId.of(state);
        String other = ServiceInstanceId.of(dir.resolve("other"));

        assertThat(first).matches("local-[0-9a-f]{12}");
        assertThat(again).as("the next start on the same directory").isEqualTo(first);
        assertThat(other).as("another data directory, maybe on the same Kafka").isNotEqualTo(first);
        assertThat(Files.readString(state.resolve(ServiceInstanceId.FILE))).isEqualTo(first + "\n");
        try (var files = Files.list(state)) {
            assertThat(files).as("no temporary file left").containsExactly(state.resolve(ServiceInstanceId.FILE));
        }
    }

    @Test
    void shouldReplaceAFileThatHoldsNoIdOfOurs(@TempDir Path state) throws Exception {
        Files.writeString(state.resolve(ServiceInstanceId.FILE), "worker-1; rm -rf /\n");

        String made = ServiceInstanceId.of(state);

        assertThat(made).matches("local-[0-9a-f]{12}");
        assertThat(ServiceInstanceId.of(state)).isEqualTo(made);
    }
}

package dev.athena.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdFileTest {

    @Test
    void shouldKeepOneIdPerDirectoryAcrossStarts(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("data").resolve("state");

        String first = InstanceIdFile.keptIn(state, "local");
        String again = InstanceIdFile.keptIn(state, "local");
        String other = InstanceIdFile.keptIn(dir.resolve("other"), "local");

        assertThat(first).matches("local-[0-9a-f]{12}");
        assertThat(again).as("the next start on the same directory").isEqualTo(first);
        assertThat(other).as("another instance's directory, maybe on the same Kafka").isNotEqualTo(first);
        assertThat(Files.readString(state.resolve(InstanceIdFile.FILE))).isEqualTo(first + "\n");
        try (var files = Files.list(state)) {
            assertThat(files).as("no temporary file left").containsExactly(state.resolve(InstanceIdFile.FILE));
        }
    }

    @Test
    void shouldReplaceAFileThatHoldsNoId(@TempDir Path state) throws Exception {
        Files.writeString(state.resolve(InstanceIdFile.FILE), "worker-1; rm -rf /\n");

        String made = InstanceIdFile.keptIn(state, "collector");

        assertThat(made).matches("collector-[0-9a-f]{12}");
        assertThat(InstanceIdFile.keptIn(state, "collector")).isEqualTo(made);
    }
}

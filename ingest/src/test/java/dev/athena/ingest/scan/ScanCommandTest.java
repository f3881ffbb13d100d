package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScanCommandTest {

    @Test
    void shouldRefuseAScanWithoutClientWithUsage() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int code = ScanCommand.run(List.of("."), Map.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(64);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("--client ID is required", "usage: athena scan");
    }

    @Test
    void shouldRefuseAnUnknownTypeNamingIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int code = ScanCommand.run(List.of(".", "--client", "a", "--type", "vibes"), Map.of(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(64);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("'vibes'");
    }

    @Test
    void shouldRefuseAGitIgnoreSwitchOtherThanOnOrOff() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int code = ScanCommand.run(List.of(".", "--client", "a", "--gitignore", "maybe"), Map.of(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(64);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("--gitignore must be on or off but was 'maybe'",
                "[--gitignore on|off]");
        assertThat(ScanSettings.of(Path.of("."), "team-a", "k", "j", "u", "p").gitIgnore()).as("on by default")
                .isTrue();
    }

    @Test
    void shouldValidateSettingsWithMessagesThatEchoTheBadValue() {
        assertThatThrownBy(() -> ScanSettings.of(Path.of("."), "team.a", "k", "j", "u", "p"))
                .hasMessageContaining("'team.a'");
        assertThatThrownBy(() -> ScanSettings.of(Path.of("."), "team-a", "k", "j", "u", "p")
                .withTimeout(Duration.ZERO)).hasMessageContaining("PT0S");
        assertThat(ScanSettings.of(Path.of("."), "team-a", "k", "j", "u", "secret").toString())
                .doesNotContain("secret");
    }
}

package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.Severity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {

    @Test
    void shouldRefuseAScanWithoutClientWithUsage() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int code = ScanCommand.run(List.of("."), Map.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(64);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("--client ID is required", "usage: athena scan");
    }

    @Test
    void shouldRefuseADirectoryThatIsNotThereBeforeAskingAnyServer(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path missing = dir.resolve("missing");
        Path file = Files.writeString(dir.resolve("app.py"), "print(1)\n");
        // no Kafka nor PostgreSQL on these ports: getting past the command line would fail otherwise, and slowly
        Map<String, String> nowhere = Map.of("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:1", "ATHENA_DB_URL",
                "jdbc:postgresql://127.0.0.1:1/postgres");

        int absent = ScanCommand.run(List.of(missing.toString(), "--client", "a"), nowhere,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int notDirectory = ScanCommand.run(List.of(file.toString(), "--client", "a"), nowhere,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(absent).isEqualTo(ScanCommand.USAGE);
        assertThat(notDirectory).isEqualTo(ScanCommand.USAGE);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(
                "DIR " + missing + " is not a directory (it does not exist)", "DIR " + file + " is not a directory\n");
        assertThat(ScanCommand.problem(List.of(missing.toString(), "--client", "a"), nowhere)).isPresent();
    }

    @Test
    void shouldRefuseAReportDirectoryThatCannotBeMadeBeforeScanning(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path file = Files.writeString(dir.resolve("notes.txt"), "x\n");
        Map<String, String> nowhere = Map.of("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:1", "ATHENA_DB_URL",
                "jdbc:postgresql://127.0.0.1:1/postgres");

        int underAFile = ScanCommand.run(List.of(dir.toString(), "--client", "a", "--report-dir",
                file.resolve("reports").toString()), nowhere, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int unmakeable = ScanCommand.run(List.of(dir.toString(), "--client", "a", "--report-dir",
                "/proc/athena-reports"), nowhere, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(underAFile).isEqualTo(ScanCommand.USAGE);
        assertThat(unmakeable).isEqualTo(ScanCommand.USAGE);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(
                "the report cannot be written under " + file.resolve("reports") + ": " + file
                        + " is not a directory; give another with --report-dir DIR",
                "the report cannot be written under /proc/athena-reports: nothing can be written under /proc (",
                "[--report-dir DIR]");
    }

    @Test
    void shouldAcceptAReportDirectoryStillToBeMadeAndLeaveNothingBehind(@TempDir Path dir) throws Exception {
        Path repository = Files.createDirectory(dir.resolve("repo"));
        Path reports = dir.resolve("out").resolve("reports");

        assertThat(ScanCommand.problem(List.of(repository.toString(), "--client", "a", "--report-dir",
                reports.toString()), Map.of())).isEmpty();
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(repository);
        }
    }

    @Test
    void shouldRefuseAClientIdThatCannotNameItsTopics() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int code = ScanCommand.run(List.of(".", "--client", "team_a"), Map.of(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(ScanCommand.USAGE);
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("--client must be 1-64 letters, digits or '-' but was 'team_a'");
    }

    @Test
    void shouldFindNoProblemInAWellFormedCommandLine() {
        assertThat(ScanCommand.problem(List.of(".", "--client", "a", "--fail-on", "high", "--timeout", "5m"),
                Map.of())).isEmpty();
        assertThat(ScanCommand.problem(List.of(".", "--client", "a", "--every", "1h"), Map.of())).isEmpty();
        assertThat(ScanCommand.problem(List.of(".", "--client", "a", "--every", "1h", "--fail-on", "high"),
                Map.of())).hasValueSatisfying(problem -> assertThat(problem).contains("--fail-on"));
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
    void shouldRefuseAProviderOrModelAdmissionWouldRefuseNamingIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int misspelt = ScanCommand.run(List.of(".", "--client", "a", "--provider", "antropic"), Map.of(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int slashed = ScanCommand.run(List.of(".", "--client", "a", "--provider", "openai", "--model", "a/b"),
                Map.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(misspelt).isEqualTo(ScanCommand.USAGE);
        assertThat(slashed).isEqualTo(ScanCommand.USAGE);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(
                "--provider must be one of anthropic, openai, deepseek, local, builtin or auto, but was 'antropic'",
                "--model must be 1-128 characters without '/', but was 'a/b'", "[--provider NAME] [--model NAME]");
        assertThat(ScanCommand.problem(List.of(".", "--client", "a", "--provider", "openai", "--model", "gpt-4o"),
                Map.of())).isEmpty();
        assertThat(ScanCommand.problem(List.of(".", "--client", "a", "--model", "llama3"), Map.of())).isEmpty();
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
    void shouldRefuseAnUnknownFailOnSeverityAndFailOnWithASchedule() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int unknown = ScanCommand.run(List.of(".", "--client", "a", "--fail-on", "severe"), Map.of(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int scheduled = ScanCommand.run(List.of(".", "--client", "a", "--fail-on", "high", "--every", "1h"), Map.of(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(unknown).isEqualTo(ScanCommand.USAGE);
        assertThat(scheduled).isEqualTo(ScanCommand.USAGE);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(
                "--fail-on must be one of critical, high, medium, low, info but was 'severe'",
                "--fail-on sets the exit code of one scan; it cannot go with --every or --cron",
                "[--fail-on critical|high|medium|low|info]");
    }

    @Test
    void shouldFailOnFindingsAtOrAboveTheThresholdAfterFailuresAndBeforePending() {
        ScanReport highs = report(0, 0, Map.of(Severity.HIGH, 2, Severity.LOW, 5));

        assertThat(ScanCommand.exitCode(highs, null)).as("findings alone never fail a scan").isZero();
        assertThat(ScanCommand.exitCode(highs, Severity.CRITICAL)).isZero();
        assertThat(ScanCommand.exitCode(highs, Severity.HIGH)).isEqualTo(ScanCommand.FINDINGS);
        assertThat(ScanCommand.exitCode(highs, Severity.INFO)).isEqualTo(ScanCommand.FINDINGS);
        assertThat(ScanCommand.exitCode(report(0, 1, Map.of(Severity.HIGH, 1)), Severity.HIGH))
                .as("findings before pending files").isEqualTo(ScanCommand.FINDINGS);
        assertThat(ScanCommand.exitCode(report(0, 1, Map.of(Severity.LOW, 1)), Severity.HIGH))
                .isEqualTo(ScanCommand.PENDING);
        assertThat(ScanCommand.exitCode(report(1, 0, Map.of(Severity.CRITICAL, 1)), Severity.HIGH))
                .as("an incomplete scan first").isEqualTo(ScanCommand.FAILED);
    }

    @Test
    void shouldSayHowManyAnswersCameFromAStandInOnlyWhenAnyDid() {
        ScanReport standIns = new ScanReport("s", "repo", 3, 0, 3, 3, 0, 0, 0, 0, 2, Map.of(), List.of(), List.of(),
                Path.of("a"), Path.of("b"));
        ByteArrayOutputStream some = new ByteArrayOutputStream();
        ByteArrayOutputStream none = new ByteArrayOutputStream();

        ScanCommand.print(standIns, new PrintStream(some, true, StandardCharsets.UTF_8));
        ScanCommand.print(report(0, 0, Map.of()), new PrintStream(none, true, StandardCharsets.UTF_8));

        assertThat(some.toString(StandardCharsets.UTF_8)).contains("degraded 2 answer(s) came from the built-in "
                + "analyser standing in for the provider asked for");
        assertThat(none.toString(StandardCharsets.UTF_8)).doesNotContain("degraded");
    }

    private static ScanReport report(int failed, int pending, Map<Severity, Integer> findings) {
        return new ScanReport("s", "repo", 3, 0, 3, 3 - failed - pending, failed, 0, pending, 0, 0, findings,
                List.of(), List.of(), Path.of("a"), Path.of("b"));
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

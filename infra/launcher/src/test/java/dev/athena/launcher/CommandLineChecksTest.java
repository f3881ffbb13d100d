package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.infra.stack.Endpoints;
import dev.athena.ingest.scan.ScanCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong command line is told at once, before any pipeline is looked for or started (no servers run here: a
 * command that got that far would start a temporary pipeline, print that it does, and take many seconds).
 */
class CommandLineChecksTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Athena athena = new Athena(new PrintStream(printed, true, StandardCharsets.UTF_8), Map.of());

    @Test
    void shouldRefuseATimeoutThatIsNoWholeNumberOfSeconds(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("app.py"), "print(1)\n");

        assertThatThrownBy(() -> athena.run(new String[] {"submit", file.toString(), "--timeout", "abc"}))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--timeout must be a whole number of seconds, 1 or more, but was 'abc'");
        assertThatThrownBy(() -> athena.run(new String[] {"submit", file.toString(), "--timeout", "0"}))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("but was '0'");
        assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("starting one");
    }

    @Test
    void shouldRefuseAProviderOrModelAdmissionWouldRejectBeforeSubmitting(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("app.py"), "print(1)\n");

        assertThatThrownBy(() -> athena.run(new String[] {"submit", file.toString(), "--provider", "antropic"}))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--provider must be one of anthropic, openai, deepseek, local, builtin or auto, but was "
                        + "'antropic'");
        assertThatThrownBy(() -> athena.run(new String[] {"submit", file.toString(), "--model", "gpt/5"}))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--model must be 1-128 characters without '/', but was 'gpt/5'");
        assertThatThrownBy(() -> athena.run(new String[] {"submit", file.toString(), "--model", "m".repeat(129)}))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageStartingWith("--model must be 1-128");
        assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("starting one");
    }

    @Test
    void shouldRefuseAClientIdThatCannotNameItsTopicBeforeSubmitting(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("app.py"), "print(1)\n");

        assertThatThrownBy(() -> athena.run(new String[] {"submit", file.toString(), "--client", "team_a"}))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--client must be 1-64 letters, digits or '-' but was 'team_a'");
        assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("starting one");
    }

    @Test
    void shouldRefuseASecondUpOnTheDataDirectoryOfOneThatRuns(@TempDir Path data) throws Exception {
        // recorded with this JVM's process id, as a running ./athena up records its own
        RunningPipeline.write(data, new Endpoints("127.0.0.1:19092", "redis://127.0.0.1:16379",
                "jdbc:postgresql://127.0.0.1:15432/postgres", "postgres", ""));

        int code = athena.run(new String[] {"up", "--data", data.toString()});

        assertThat(code).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("athena: a pipeline already runs on " + data
                + " (kafka 127.0.0.1:19092)");
        assertThat(RunningPipeline.live(data)).as("its record, left as it was").isPresent();
        try (var files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("nothing started there")
                    .containsExactly(RunningPipeline.FILE);
        }
    }

    @Test
    void shouldRefuseAPortInUseBeforeStartingAnything(@TempDir Path dir) throws Exception {
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = held.getLocalPort();
            Path data = dir.resolve("data");

            int kafka = athena.run(new String[] {"up", "--data", data.toString(), "--kafka-port",
                    Integer.toString(port)});
            int http = athena.run(new String[] {"up", "--data", data.toString(), "--kafka-port", "0", "--http-port",
                    Integer.toString(port)});

            assertThat(kafka).isEqualTo(1);
            assertThat(http).isEqualTo(1);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains(
                    "athena: port " + port + " of 127.0.0.1 is in use (--kafka-port); stop what listens there, or "
                            + "give another --kafka-port PORT",
                    "athena: port " + port + " of 127.0.0.1 is in use (--http-port); stop what listens there, or "
                            + "give another --http-port PORT");
            assertThat(data).as("nothing started").doesNotExist();
        }
    }

    @Test
    void shouldRefuseToScanAskingAProviderNoWorkerServesWithoutStartingAPipeline(@TempDir Path dir) throws Exception {
        int code = athena.run(new String[] {"scan", dir.toString(), "--client", "team-a", "--provider", "claude"});

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isEqualTo(ScanCommand.USAGE);
        assertThat(output).contains("--provider must be one of anthropic, openai, deepseek, local, builtin or auto, "
                + "but was 'claude'").doesNotContain("starting one");
    }

    @Test
    void shouldRefuseToScanADirectoryThatIsNotThereWithoutStartingAPipeline(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing");

        int code = athena.run(new String[] {"scan", missing.toString(), "--client", "team-a"});

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isEqualTo(ScanCommand.USAGE);
        assertThat(output).contains("DIR " + missing + " is not a directory (it does not exist)")
                .doesNotContain("starting one");
    }

    @Test
    void shouldPrintTheUsageWhenAskedForHelpAndExitZero() throws Exception {
        for (String[] args : new String[][] {{"--help"}, {"-h"}, {"help"}}) {
            printed.reset();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();

            int code = athena.execute(args, new PrintStream(errors, true, StandardCharsets.UTF_8));

            assertThat(code).as(String.join(" ", args)).isZero();
            assertThat(printed.toString(StandardCharsets.UTF_8)).startsWith("usage:\n  athena up ")
                    .contains("  athena scan DIR --client ID", "  athena audit ", "environment: ");
            assertThat(errors.size()).as(String.join(" ", args)).isZero();
        }
    }

    @Test
    void shouldPrintOneCommandsUsageWhenHelpFollowsItWithoutRunningIt(@TempDir Path dir) throws Exception {
        assertThat(athena.execute(new String[] {"submit", "--help"}, System.err)).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).startsWith("usage:\n  athena submit FILE...")
                .contains("[--provider NAME] [--model NAME]").doesNotContain("athena up", "athena tail");

        printed.reset();
        assertThat(athena.execute(new String[] {"scan", dir.toString(), "-h"}, System.err)).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).startsWith("usage:\n  athena scan DIR")
                .contains("[--name REPO]", "[--db-url URL]").doesNotContain("starting one", "athena submit");

        printed.reset();
        assertThat(athena.execute(new String[] {"help", "keys"}, System.err)).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("  athena keys ")))
                .hasSize(4);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("with the key in ATHENA_ADMIN_KEY")
                .doesNotContain("athena cache");
    }

    @Test
    void shouldExitWithTheUsageStatusAndTellWhatWasWrongOnAWrongCommandLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("app.py"), "print(1)\n");
        String[][] wrong = {{}, {"frobnicate"}, {"submit", file.toString(), "--colour", "red"},
            {"tail", "--client"}};
        String[] told = {"athena: missing command", "athena: unknown command 'frobnicate'",
            "athena: unknown option --colour for 'submit'", "athena: option --client needs a value"};
        for (int i = 0; i < wrong.length; i++) {
            ByteArrayOutputStream errors = new ByteArrayOutputStream();

            int code = athena.execute(wrong[i], new PrintStream(errors, true, StandardCharsets.UTF_8));

            assertThat(code).as(told[i]).isEqualTo(Athena.USAGE_ERROR).isEqualTo(ScanCommand.USAGE);
            assertThat(errors.toString(StandardCharsets.UTF_8)).startsWith(told[i] + "\nusage:\n");
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}

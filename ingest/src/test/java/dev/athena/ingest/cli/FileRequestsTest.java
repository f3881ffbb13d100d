package dev.athena.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.message.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRequestsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T10:15:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void shouldBuildARequestWithLanguageFromTheExtension() throws IOException {
        Path file = Files.writeString(dir.resolve("db.py"), "print('hi')\n");
        var request = new FileRequests("team-a", AnalysisType.SECURITY, CLOCK).from(file);
        assertThat(request.clientId()).isEqualTo("team-a");
        assertThat(request.language()).isEqualTo("python");
        assertThat(request.code()).isEqualTo("print('hi')\n");
        assertThat(request.lane()).isEqualTo(Lane.INTERACTIVE);
        assertThat(request.createdAt()).isEqualTo(CLOCK.instant());
        assertThat(request.requestId()).isNotBlank();
    }

    @Test
    void shouldAskForTheProviderAndModelGivenAndLetThePipelineChooseOtherwise() throws IOException {
        Path file = Files.writeString(dir.resolve("db.py"), "print('hi')\n");
        var plain = new FileRequests("team-a", AnalysisType.SECURITY, CLOCK);
        assertThat(plain.from(file).providerOrAuto()).isEqualTo("auto");
        assertThat(plain.from(file).modelOrAuto()).isEqualTo("auto");
        var named = plain.askingFor("openai", "gpt-4o-mini").from(file);
        assertThat(named.provider()).isEqualTo("openai");
        assertThat(named.model()).isEqualTo("gpt-4o-mini");
        assertThat(named.clientId()).isEqualTo("team-a");
        assertThat(plain.askingFor("anthropic", null).from(file).modelOrAuto()).isEqualTo("auto");
    }

    @Test
    void shouldRefuseAFileThatIsNotUtf8() throws IOException {
        Path file = Files.write(dir.resolve("blob.bin"), new byte[] {(byte) 0xC3, (byte) 0x28});
        assertThatThrownBy(() -> new FileRequests("c", AnalysisType.QUALITY, CLOCK).from(file))
                .isInstanceOf(IOException.class).hasMessageContaining("not UTF-8");
    }

    @Test
    void shouldRefuseAMissingFile() {
        Path missing = dir.resolve("nope.go");
        assertThatThrownBy(() -> new FileRequests("c", AnalysisType.QUALITY, CLOCK).from(missing))
                .isInstanceOf(IOException.class).hasMessage(missing + ": no such file");
    }

    @Test
    void shouldRefuseADirectoryPointingToScan() throws IOException {
        Path repository = Files.createDirectory(dir.resolve("repo"));
        assertThatThrownBy(() -> new FileRequests("c", AnalysisType.QUALITY, CLOCK).from(repository))
                .isInstanceOf(IOException.class)
                .hasMessage(repository + ": a directory; athena scan DIR --client ID sends a repository's files");
    }

    @Test
    void shouldRefuseAnEmptyFileBeforeAnythingIsSent() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.py"));
        assertThatThrownBy(() -> new FileRequests("c", AnalysisType.QUALITY, CLOCK).from(empty))
                .isInstanceOf(IOException.class).hasMessage(empty + ": empty, there is no code to analyse");
    }

    @Test
    void shouldLeaveLanguageUnsetForUnknownExtensions() {
        assertThat(Languages.of(Path.of("README"))).isEmpty();
        assertThat(Languages.of(Path.of("a/b/Main.JAVA"))).contains("java");
        assertThat(Languages.of(Path.of("x.tsx"))).contains("typescript");
    }

    @Test
    void shouldFormatFindingsOneALine() {
        var result = new AnalysisResult(1, "r1", "c", ResultStatus.COMPLETED,
                List.of(new Finding("sql-injection", Severity.HIGH, 2, "SQL built by string concatenation",
                        "use a parameterised query")),
                "1 finding", ServedBy.of("builtin", "rules-1"), true, "b1", Usage.NONE, null, CLOCK.instant());
        String text = ResultFormatter.format("app/db.py", result);
        assertThat(text).startsWith("app/db.py: COMPLETED by builtin/rules-1 (cached) - 1 finding");
        assertThat(text.lines()).hasSize(2);
        assertThat(text.lines().toList().get(1)).contains("high", "sql-injection", "-> use a parameterised query");
    }
}

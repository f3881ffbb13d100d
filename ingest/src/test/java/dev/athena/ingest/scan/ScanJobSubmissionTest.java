package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.ingest.scan.ChangeDetector.Changes;
import dev.athena.ingest.scan.RepositoryWalker.Walk;
import dev.athena.ingest.scan.ScanReport.SkippedFile;
import dev.athena.schemas.validation.AskedRoute;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The submit step's processor: each changed file is read again as it is sent. */
class ScanJobSubmissionTest {
    @TempDir
    Path repo;

    @Test
    void shouldSendAChangedFileAsItIsNowAndReportOneThatIsGoneAsSkipped() throws IOException {
        Files.writeString(repo.resolve("a.py"), "print(1)\n");
        Files.writeString(repo.resolve("b.py"), "print(2)\n");
        ScanSettings settings = ScanSettings.of(repo, "team-a", "127.0.0.1:1", "jdbc:postgresql://127.0.0.1/x", "u",
                "p");
        List<SourceFile> walked = RepositoryWalker.of(settings).walk(repo).files();
        ScanRun run = new ScanRun(settings, "s-1", Instant.now());
        run.detected(new Walk(walked, List.of()), new Changes(walked, List.of(), List.of()));
        Files.writeString(repo.resolve("a.py"), "print(11)\n");
        Files.delete(repo.resolve("b.py"));

        try (ScanKafka kafka = new ScanKafka("127.0.0.1:1", "team-a", "s-1")) {
            ScanJob job = new ScanJob(null, null, null, kafka, Clock.fixed(Instant.now(), ZoneOffset.UTC));
            ScanRun.Submission a = job.submission(run, walked.get(0));
            ScanRun.Submission b = job.submission(run, walked.get(1));

            assertThat(a.request().code()).isEqualTo("print(11)\n");
            assertThat(a.file().sha256()).as("remembered by what was sent")
                    .isEqualTo(RepositoryWalker.sha256("print(11)\n".getBytes(StandardCharsets.UTF_8)))
                    .isNotEqualTo(walked.get(0).sha256());
            assertThat(a.request().replyTo()).isEqualTo(kafka.replyTopic());
            assertThat(a.request().provider()).as("auto unless the scan names one").isNull();
            var named = new ScanRun(settings.withRoute(new AskedRoute("local", "qwen2.5-coder")), "s-2",
                    Instant.now());
            assertThat(job.submission(named, walked.get(0)).request()).satisfies(r -> {
                assertThat(r.provider()).isEqualTo("local");
                assertThat(r.model()).isEqualTo("qwen2.5-coder");
            });
            assertThat(b).as("left out of the chunk").isNull();
        }
        assertThat(run.report(run.outcomes(), repo.resolve("r.sarif"), repo.resolve("r.md")).skipped())
                .containsExactly(new SkippedFile("b.py", "unreadable: NoSuchFileException"));
    }
}

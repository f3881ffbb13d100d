package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.ServedBy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChangeDetectorTest {
    private static final ChangeDetector NOTHING_STORED = new ChangeDetector(id -> Optional.empty());
    private static final Asked SECURITY = new Asked(AnalysisType.SECURITY, "auto", "auto");
    private static final Asked QUALITY = new Asked(AnalysisType.QUALITY, "auto", "auto");

    private static SourceFile file(String path, String sha) {
        return new SourceFile(path, sha, null, Path.of(path));
    }

    private static AnalysisResult result(String requestId) {
        return result(requestId, ResultStatus.COMPLETED);
    }

    private static AnalysisResult result(String requestId, ResultStatus status) {
        return new AnalysisResult(SchemaVersion.CURRENT, requestId, "team-a", status, List.of(),
                "ok", null, false, null, null, null, Instant.EPOCH);
    }

    private static FileState state(String path, String sha, Asked asked, String requestId,
            AnalysisResult result) {
        return new FileState(path, sha, asked, requestId, "scan-1", result);
    }

    @Test
    void shouldSubmitEveryFileOnTheFirstScan() {
        var changes = NOTHING_STORED.detect(List.of(file("a", "1"), file("b", "2")), Map.of(), SECURITY);

        assertThat(changes.changed()).extracting(SourceFile::path).containsExactly("a", "b");
        assertThat(changes.unchanged()).isEmpty();
    }

    @Test
    void shouldKeepTheResultOfAFileWhoseHashAndTypeAreTheSame() {
        var previous = Map.of("a", state("a", "1", SECURITY, "r-a", result("r-a")),
                "b", state("b", "2", SECURITY, "r-b", result("r-b")));

        var changes = NOTHING_STORED.detect(List.of(file("a", "1"), file("b", "22")), previous,
                SECURITY);

        assertThat(changes.changed()).extracting(SourceFile::path).containsExactly("b");
        assertThat(changes.unchanged()).singleElement().satisfies(u -> {
            assertThat(u.file().path()).isEqualTo("a");
            assertThat(u.result().requestId()).isEqualTo("r-a");
        });
    }

    @Test
    void shouldSubmitAgainAnUnchangedFileWhoseLastResultWasNoAnswer() {
        var previous = Map.of("failed", state("failed", "1", SECURITY, "r-1",
                        result("r-1", ResultStatus.FAILED)),
                "expired", state("expired", "2", SECURITY, "r-2", null),
                "answered", state("answered", "3", SECURITY, "r-3", result("r-3")));
        ChangeDetector detector = new ChangeDetector(id -> id.equals("r-2")
                ? Optional.of(result(id, ResultStatus.EXPIRED)) : Optional.empty());

        var changes = detector.detect(List.of(file("failed", "1"), file("expired", "2"), file("answered", "3")),
                previous, SECURITY);

        assertThat(changes.changed()).extracting(SourceFile::path).containsExactly("failed", "expired");
        assertThat(changes.unchanged()).extracting(u -> u.file().path()).containsExactly("answered");
    }

    @Test
    void shouldSubmitAgainAnUnchangedFileAnsweredByAStandInForTheProviderAskedFor() {
        AnalysisResult standIn = new AnalysisResult(SchemaVersion.CURRENT, "r-a", "team-a", ResultStatus.COMPLETED,
                List.of(), "ok", new ServedBy("builtin", "rules-1", true), false, null, null, null, Instant.EPOCH);
        AnalysisResult proper = new AnalysisResult(SchemaVersion.CURRENT, "r-b", "team-a", ResultStatus.COMPLETED,
                List.of(), "ok", ServedBy.of("builtin", "rules-1"), false, null, null, null, Instant.EPOCH);
        var previous = Map.of("a", state("a", "1", SECURITY, "r-a", standIn),
                "b", state("b", "2", SECURITY, "r-b", proper));

        var changes = NOTHING_STORED.detect(List.of(file("a", "1"), file("b", "2")), previous, SECURITY);

        assertThat(changes.changed()).extracting(SourceFile::path).containsExactly("a");
        assertThat(changes.unchanged()).extracting(u -> u.file().path()).containsExactly("b");
    }

    @Test
    void shouldSubmitAgainWhenTheAnalysisTypeChanged() {
        var previous = Map.of("a", state("a", "1", QUALITY, "r-a", result("r-a")));

        var changes = NOTHING_STORED.detect(List.of(file("a", "1")), previous, SECURITY);

        assertThat(changes.changed()).extracting(SourceFile::path).containsExactly("a");
    }

    @Test
    void shouldSubmitAgainWhenAnotherProviderOrModelIsAsked() {
        var previous = Map.of("a", state("a", "1", SECURITY, "r-a", result("r-a")),
                "b", state("b", "2", new Asked(AnalysisType.SECURITY, "openai", "gpt-4o"), "r-b", result("r-b")),
                "c", state("c", "3", new Asked(AnalysisType.SECURITY, "openai", "gpt-4o"), "r-c", result("r-c")));
        var files = List.of(file("a", "1"), file("b", "2"), file("c", "3"));

        var sameAsB = NOTHING_STORED.detect(files, previous, new Asked(AnalysisType.SECURITY, "openai", "gpt-4o"));
        var otherModel = NOTHING_STORED.detect(files, previous,
                new Asked(AnalysisType.SECURITY, "openai", "gpt-4o-mini"));

        assertThat(sameAsB.changed()).extracting(SourceFile::path).containsExactly("a");
        assertThat(sameAsB.unchanged()).extracting(u -> u.file().path()).containsExactly("b", "c");
        assertThat(otherModel.changed()).extracting(SourceFile::path).containsExactly("a", "b", "c");
    }

    @Test
    void shouldSubmitAgainAFileWhoseStoredAnalysisTypeThisVersionDoesNotKnow() {
        var previous = Map.of("a", state("a", "1", null, "r-a", result("r-a")));

        var changes = NOTHING_STORED.detect(List.of(file("a", "1")), previous, SECURITY);

        assertThat(changes.changed()).extracting(SourceFile::path).containsExactly("a");
    }

    @Test
    void shouldTakeAResultThatArrivedAfterTheLastScanFromTheStoredResults() {
        var previous = Map.of("a", state("a", "1", SECURITY, "r-late", null));
        ChangeDetector detector = new ChangeDetector(id -> id.equals("r-late") ? Optional.of(result(id))
                : Optional.empty());

        var changes = detector.detect(List.of(file("a", "1")), previous, SECURITY);

        assertThat(changes.changed()).isEmpty();
        assertThat(changes.unchanged()).singleElement().extracting(u -> u.result().requestId()).isEqualTo("r-late");
    }

    @Test
    void shouldSubmitAgainAnUnchangedFileWhoseResultNeverArrived() {
        var previous = Map.of("a", state("a", "1", SECURITY, "r-lost", null));

        var changes = NOTHING_STORED.detect(List.of(file("a", "1")), previous, SECURITY);

        assertThat(changes.changed()).extracting(SourceFile::path).containsExactly("a");
    }

    @Test
    void shouldNameFilesThatDisappearedSinceTheLastScan() {
        var previous = Map.of("gone.py", state("gone.py", "9", SECURITY, "r-g", result("r-g")),
                "a", state("a", "1", SECURITY, "r-a", result("r-a")));

        var changes = NOTHING_STORED.detect(List.of(file("a", "1")), previous, SECURITY);

        assertThat(changes.removed()).containsExactly("gone.py");
    }
}

package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class SarifWriterTest {

    private static JsonNode run(String sarif) {
        return Json.tree(sarif.getBytes(StandardCharsets.UTF_8)).get("runs").get(0);
    }

    @Test
    void shouldWriteALogThatTheOfficialSchemaAccepts(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("out/report.sarif.json");

        SarifWriter.write(target, Reports.CONTEXT, Reports.outcomes(), Reports.skipped());

        String sarif = Files.readString(target);
        assertThat(SarifSchema.validate(sarif)).isEmpty();
        assertThat(Json.tree(sarif.getBytes(StandardCharsets.UTF_8)).get("version").stringValue()).isEqualTo("2.1.0");
    }

    @Test
    void shouldRejectABrokenLogSoTheSchemaCheckMeansSomething() {
        String broken = "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{}}}]}";

        assertThat(SarifSchema.validate(broken)).isNotEmpty();
    }

    @Test
    void shouldDeclareEachRuleOnceAndPointResultsAtThem() {
        JsonNode run = run(SarifWriter.render(Reports.CONTEXT, Reports.outcomes(), Reports.skipped()));

        JsonNode driver = run.get("tool").get("driver");
        assertThat(driver.get("name").stringValue()).isEqualTo("athena");
        List<String> ruleIds = new ArrayList<>();
        driver.get("rules").forEach(r -> ruleIds.add(r.get("id").stringValue()));
        assertThat(ruleIds).containsExactly("hardcoded-secret", "sql-injection", "weak-hash");
        for (JsonNode result : run.get("results")) {
            assertThat(ruleIds.get(result.get("ruleIndex").intValue())).isEqualTo(result.get("ruleId").stringValue());
        }
    }

    @Test
    void shouldNameTheQuestionTheScanAsked() {
        ScanContext named = new ScanContext(Reports.CONTEXT.scanId(), "payments", Path.of("/repos/payments"),
                new Asked(AnalysisType.QUALITY, "anthropic", "claude-sonnet-4-5"), Reports.CONTEXT.startedAt(),
                Reports.CONTEXT.finishedAt());

        JsonNode properties = run(SarifWriter.render(named, Reports.outcomes(), Reports.skipped())).get("properties");

        assertThat(properties.get("analysisType").stringValue()).isEqualTo("quality");
        assertThat(properties.get("provider").stringValue()).isEqualTo("anthropic");
        assertThat(properties.get("model").stringValue()).isEqualTo("claude-sonnet-4-5");
    }

    @Test
    void shouldMapSeverityToLevelAndLocateTheLineRelativeToTheRoot() {
        JsonNode run = run(SarifWriter.render(Reports.CONTEXT, Reports.outcomes(), Reports.skipped()));

        assertThat(run.get("results")).hasSize(3);
        JsonNode sql = find(run, "sql-injection");
        assertThat(sql.get("level").stringValue()).isEqualTo("error");
        JsonNode location = sql.get("locations").get(0).get("physicalLocation");
        assertThat(location.get("artifactLocation").get("uri").stringValue()).isEqualTo("app/db.py");
        assertThat(location.get("artifactLocation").get("uriBaseId").stringValue()).isEqualTo("SRCROOT");
        assertThat(location.get("region").get("startLine").intValue()).isEqualTo(2);
        assertThat(find(run, "hardcoded-secret").get("level").stringValue()).isEqualTo("error");
        JsonNode weak = find(run, "weak-hash");
        assertThat(weak.get("level").stringValue()).isEqualTo("warning");
        JsonNode weakLocation = weak.get("locations").get(0).get("physicalLocation");
        assertThat(weakLocation.has("region")).as("line 0 is the whole file").isFalse();
        assertThat(weakLocation.get("artifactLocation").get("uri").stringValue()).isEqualTo("app/util%20file.py");
    }

    @Test
    void shouldFingerprintFindingsByCacheKeySoTheSameCodeGivesTheSameFingerprint() {
        JsonNode first = find(run(SarifWriter.render(Reports.CONTEXT, Reports.outcomes(), Reports.skipped())),
                "sql-injection");
        JsonNode again = find(run(SarifWriter.render(Reports.CONTEXT, Reports.outcomes(), List.of())),
                "sql-injection");

        JsonNode fingerprints = first.get("partialFingerprints");
        assertThat(fingerprints.get("athenaCacheKey/v1").stringValue())
                .isEqualTo("analysis:auto:auto:security:0123456789abcdef:d41d8cd9");
        assertThat(fingerprints.get("athenaFinding/v1").stringValue()).hasSize(32)
                .isEqualTo(again.get("partialFingerprints").get("athenaFinding/v1").stringValue())
                .isNotEqualTo(find(run(SarifWriter.render(Reports.CONTEXT, Reports.outcomes(), List.of())),
                        "hardcoded-secret").get("partialFingerprints").get("athenaFinding/v1").stringValue());
    }

    @Test
    void shouldReportPendingFailedAndSkippedFilesAsNotificationsAndTheRunAsIncomplete() {
        JsonNode invocation = run(SarifWriter.render(Reports.CONTEXT, Reports.outcomes(), Reports.skipped()))
                .get("invocations").get(0);

        assertThat(invocation.get("executionSuccessful").booleanValue()).isFalse();
        List<String> texts = new ArrayList<>();
        invocation.get("toolExecutionNotifications").forEach(n -> texts.add(n.get("level").stringValue() + " "
                + n.get("locations").get(0).get("physicalLocation").get("artifactLocation").get("uri").stringValue()
                + " " + n.get("message").get("text").stringValue()));
        assertThat(texts).contains(
                "warning app/slow.py pending: no result for request r-3 when the scan ended",
                "error app/broken.py failed: PROVIDER_UNAVAILABLE: all providers failed",
                "note assets/logo.png skipped: binary");
    }

    @Test
    void shouldKeepTheFindingsOfACutResultAndWarnThatTheyAreNotAll() {
        List<FileOutcome> outcomes = List.of(new FileOutcome("app/huge.py", "r-9",
                "analysis:auto:auto:security:9999999999999999:d41d8cd9", true, Reports.cut("r-9",
                        new Finding("dangerous-eval", Severity.CRITICAL, 12, "eval of input", null))));

        String sarif = SarifWriter.render(Reports.CONTEXT, outcomes, List.of());
        JsonNode run = run(sarif);

        assertThat(SarifSchema.validate(sarif)).isEmpty();
        assertThat(run.get("results")).hasSize(1);
        JsonNode notification = run.get("invocations").get(0).get("toolExecutionNotifications").get(0);
        assertThat(notification.get("level").stringValue()).isEqualTo("warning");
        assertThat(notification.get("message").get("text").stringValue())
                .isEqualTo("incomplete: RESULT_TRUNCATED: it holds the 1 most severe of its 9000 findings");
        assertThat(run.get("invocations").get(0).get("executionSuccessful").booleanValue()).isTrue();
    }

    private static JsonNode find(JsonNode run, String ruleId) {
        for (JsonNode result : run.get("results")) {
            if (result.get("ruleId").stringValue().equals(ruleId)) {
                return result;
            }
        }
        throw new AssertionError("no result for " + ruleId);
    }
}

package dev.athena.ingest.scan;

import dev.athena.ingest.scan.ScanReport.SkippedFile;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a scan as SARIF 2.1.0: one run, tool driver {@code athena} with a rule per ruleId, one result per
 * finding (level from severity, the file and line as physical location relative to {@code SRCROOT}), partial
 * fingerprints from the cache key and the finding, and the files that were not analysed (pending, failed,
 * skipped) as tool execution notifications so that the log never looks cleaner than the scan was.
 */
final class SarifWriter {
    static final String SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

    private SarifWriter() {
    }

    static void write(Path target, ScanContext context, List<FileOutcome> outcomes, List<SkippedFile> skipped)
            throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, render(context, outcomes, skipped), StandardCharsets.UTF_8);
    }

    static String render(ScanContext context, List<FileOutcome> outcomes, List<SkippedFile> skipped) {
        Map<String, Integer> ruleIndex = new TreeMap<>();
        for (FileOutcome outcome : outcomes) {
            if (outcome.result() != null) {
                outcome.result().findings().forEach(f -> ruleIndex.putIfAbsent(f.ruleId(), 0));
            }
        }
        List<Map<String, Object>> rules = new ArrayList<>();
        int i = 0;
        for (var entry : ruleIndex.entrySet()) {
            entry.setValue(i++);
            rules.add(Map.of("id", entry.getKey(), "name", entry.getKey(),
                    "shortDescription", Map.of("text", entry.getKey())));
        }
        List<Map<String, Object>> results = new ArrayList<>();
        List<Map<String, Object>> notifications = new ArrayList<>();
        for (FileOutcome outcome : outcomes) {
            AnalysisResult result = outcome.result();
            if (result == null) {
                notifications.add(notification("warning", "pending: no result for request " + outcome.requestId()
                        + " when the scan ended", outcome.path()));
                continue;
            }
            if (result.status() != ResultStatus.COMPLETED) {
                String why = result.error() != null ? result.error().code() + ": " + result.error().message()
                        : String.valueOf(result.summary());
                notifications.add(notification("error", result.status().name().toLowerCase(java.util.Locale.ROOT)
                        + ": " + why, outcome.path()));
                continue;
            }
            for (Finding finding : result.findings()) {
                results.add(result(outcome, finding, ruleIndex.get(finding.ruleId())));
            }
            if (result.error() != null) {
                // a completed result with an error was cut to fit its topic: its findings here are not all of them
                notifications.add(notification("warning", "incomplete: " + result.error().code() + ": "
                        + result.error().message(), outcome.path()));
            }
        }
        for (SkippedFile s : skipped) {
            notifications.add(notification("note", "skipped: " + s.reason(), s.path()));
        }
        Map<String, Object> invocation = new LinkedHashMap<>();
        invocation.put("executionSuccessful", outcomes.stream().allMatch(o -> o.result() != null
                && o.result().status() == ResultStatus.COMPLETED));
        invocation.put("startTimeUtc", context.startedAt().toString());
        invocation.put("endTimeUtc", context.finishedAt().toString());
        invocation.put("toolExecutionNotifications", notifications);

        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "athena");
        driver.put("informationUri", "https://github.com/athena-analysis/athena");
        driver.put("rules", rules);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("automationDetails", Map.of("id", "athena-scan/" + context.repoName() + "/" + context.scanId()));
        run.put("originalUriBaseIds", Map.of("SRCROOT", Map.of("uri", directoryUri(context.repository()))));
        run.put("invocations", List.of(invocation));
        run.put("results", results);
        run.put("properties", Map.of("analysisType", context.asked().type().wireName(), "provider",
                context.asked().provider(), "model", context.asked().model()));
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("$schema", SCHEMA_URI);
        log.put("version", "2.1.0");
        log.put("runs", List.of(run));
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(log);
    }

    private static Map<String, Object> result(FileOutcome outcome, Finding finding, int ruleIndex) {
        Map<String, Object> physical = new LinkedHashMap<>();
        physical.put("artifactLocation", Map.of("uri", uri(outcome.path()), "uriBaseId", "SRCROOT"));
        if (finding.line() > 0) {
            // Line 0 means the whole file: SARIF says that by leaving the region out.
            physical.put("region", Map.of("startLine", finding.line()));
        }
        String text = finding.suggestion() == null || finding.suggestion().isBlank() ? finding.message()
                : finding.message() + " (" + finding.suggestion() + ")";
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ruleId", finding.ruleId());
        r.put("ruleIndex", ruleIndex);
        r.put("level", level(finding.severity()));
        r.put("message", Map.of("text", text));
        r.put("locations", List.of(Map.of("physicalLocation", physical)));
        r.put("partialFingerprints", Map.of(
                "athenaCacheKey/v1", outcome.cacheKey(),
                "athenaFinding/v1", fingerprint(outcome.cacheKey(), finding)));
        r.put("properties", Map.of("severity", finding.severity().wireName(), "requestId", outcome.requestId(),
                "carriedOver", !outcome.fresh()));
        return r;
    }

    static String level(Severity severity) {
        return switch (severity) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW, INFO -> "note";
        };
    }

    private static String fingerprint(String cacheKey, Finding finding) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            String identity = cacheKey + "\n" + finding.ruleId() + "\n" + finding.line() + "\n" + finding.message();
            return HexFormat.of().formatHex(digest.digest(identity.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }

    /** SARIF resolves relative URIs against a base, which must end with '/' to be a folder. */
    static String directoryUri(Path directory) {
        String uri = directory.toAbsolutePath().toUri().toString();
        return uri.endsWith("/") ? uri : uri + "/";
    }

    /** A relative path as a URI reference: spaces and other reserved characters percent-encoded. */
    static String uri(String relativePath) {
        try {
            return new java.net.URI(null, null, relativePath, null).toASCIIString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a relative path: '" + relativePath + "'", e);
        }
    }

    private static Map<String, Object> notification(String level, String text, String path) {
        return Map.of("level", level, "message", Map.of("text", text),
                "locations", List.of(Map.of("physicalLocation",
                        Map.of("artifactLocation", Map.of("uri", uri(path), "uriBaseId", "SRCROOT")))));
    }
}

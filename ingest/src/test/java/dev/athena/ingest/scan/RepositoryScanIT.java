package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.AskedRoute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class RepositoryScanIT {
    private static final Endpoints ENDPOINTS = SharedLocalStack.get().endpoints();

    @TempDir
    Path repo;
    @TempDir
    Path reports;

    private void write(String rel, String text) throws IOException {
        write(rel, text.getBytes(StandardCharsets.UTF_8));
    }

    private void write(String rel, byte[] bytes) throws IOException {
        Path file = repo.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private ScanSettings settings(String clientId, Duration timeout) {
        return ScanSettings.of(repo, clientId, ENDPOINTS.kafkaBootstrap(), ENDPOINTS.jdbcUrl(), ENDPOINTS.dbUser(),
                        ENDPOINTS.dbPassword())
                .withRepoName("repo-" + clientId)
                .withGlobs(ScanSettings.DEFAULT_INCLUDE, List.of("docs/**"))
                .withTimeout(timeout)
                .withReportDir(reports);
    }

    private static String client() {
        return "scan-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void sampleRepository() throws IOException {
        write("app/db.py", "def find(u):\n    return db.execute(\"SELECT * FROM users WHERE name='\" + u + \"'\")\n");
        write("app/auth.py", "import hashlib\n\ndef h(p):\n    return hashlib.md5(p).hexdigest()\n");
        write("src/Main.java", "class Main { public static void main(String[] a) { } }\n");
        write("docs/guide.md", "excluded by glob\n");
        write("assets/logo.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});
        write("data/huge.sql", "-- " + "x".repeat(300 * 1024) + "\n");
    }

    @Test
    void shouldReportEveryFileAndOnTheNextScanSubmitOnlyTheChangedOne() throws Exception {
        sampleRepository();
        String clientId = client();
        ScanSettings settings = settings(clientId, Duration.ofSeconds(90));
        ScanReport first;
        try (FakePipeline pipeline = new FakePipeline(ENDPOINTS.kafkaBootstrap(), clientId, r -> false)) {
            first = RepositoryScan.run(settings);

            String repo = settings.repoName() + ":";
            assertThat(pipeline.requests()).extracting(AnalysisRequest::path)
                    .containsExactlyInAnyOrder(repo + "app/db.py", repo + "app/auth.py", repo + "src/Main.java");
            assertThat(pipeline.requests()).allSatisfy(r -> {
                assertThat(r.lane()).isEqualTo(Lane.BULK);
                assertThat(r.analysisType()).isEqualTo(AnalysisType.SECURITY);
                assertThat(r.replyTo()).isEqualTo(Topics.scanReplyTopic(clientId, first.scanId()));
                assertThat(r.deadline()).isNotNull();
                assertThat(pipeline.partitionOf(r)).as("its cache key's partition").isEqualTo(
                        RequestPartitions.of(r, 6));
            });
        }
        assertThat(first.scanned()).isEqualTo(3);
        assertThat(first.skippedUnchanged()).isZero();
        assertThat(first.submitted()).isEqualTo(3);
        assertThat(first.completed()).isEqualTo(3);
        assertThat(first.failed() + first.rejected() + first.pending()).isZero();
        assertThat(first.findingsBySeverity()).containsEntry(Severity.HIGH, 1).containsEntry(Severity.MEDIUM, 1);
        assertThat(first.skipped()).extracting(ScanReport.SkippedFile::path)
                .containsExactly("assets/logo.png", "data/huge.sql");
        String sarif = Files.readString(first.sarif());
        assertThat(SarifSchema.validate(sarif)).isEmpty();
        assertThat(sarif).contains("\"uri\" : \"app/db.py\"", "\"startLine\" : 2", "sql-injection");
        assertThat(Files.readString(first.summary())).contains("| completed | 3 |", "| high | 1 |",
                "| `assets/logo.png` | binary |");
        assertThat(jobExecutions(first.scanId())).isEqualTo("COMPLETED");
        assertThat(topicExists(Topics.scanReplyTopic(clientId, first.scanId())))
                .as("a finished scan's reply topic is removed").isFalse();

        write("src/Main.java", "class Main { String q = \"SELECT 1\"; }\n");
        ScanReport second;
        try (FakePipeline pipeline = new FakePipeline(ENDPOINTS.kafkaBootstrap(), clientId, r -> false)) {
            second = RepositoryScan.run(settings);

            assertThat(pipeline.requests()).extracting(AnalysisRequest::path).containsExactly(settings.repoName() + ":src/Main.java");
        }
        assertThat(second.scanId()).isNotEqualTo(first.scanId());
        assertThat(second.scanned()).isEqualTo(3);
        assertThat(second.skippedUnchanged()).isEqualTo(2);
        assertThat(second.submitted()).isEqualTo(1);
        assertThat(second.completed()).isEqualTo(1);
        assertThat(second.findingsBySeverity()).as("unchanged files keep their findings")
                .containsEntry(Severity.HIGH, 2).containsEntry(Severity.MEDIUM, 1);
        String secondSarif = Files.readString(second.sarif());
        assertThat(SarifSchema.validate(secondSarif)).isEmpty();
        assertThat(secondSarif).contains("\"uri\" : \"app/auth.py\"", "\"uri\" : \"src/Main.java\"");
    }

    @Test
    void shouldAskEveryFileAgainWhenTheScanNamesAnotherProviderAndReuseItsAnswersAfter() throws Exception {
        write("app/db.py", "def find(u):\n    return db.execute(\"SELECT * FROM users WHERE name='\" + u + \"'\")\n");
        write("app/auth.py", "import hashlib\n\ndef h(p):\n    return hashlib.md5(p).hexdigest()\n");
        String clientId = client();
        ScanSettings auto = settings(clientId, Duration.ofSeconds(90));
        ScanSettings deepseek = auto.withRoute(new AskedRoute("deepseek", "deepseek-chat"));
        try (FakePipeline pipeline = new FakePipeline(ENDPOINTS.kafkaBootstrap(), clientId, r -> false)) {
            RepositoryScan.run(auto);
            assertThat(pipeline.requests()).hasSize(2).allSatisfy(r -> {
                assertThat(r.providerOrAuto()).isEqualTo(AnalysisRequest.AUTO);
                assertThat(r.modelOrAuto()).isEqualTo(AnalysisRequest.AUTO);
            });
        }

        ScanReport named;
        try (FakePipeline pipeline = new FakePipeline(ENDPOINTS.kafkaBootstrap(), clientId, r -> false)) {
            named = RepositoryScan.run(deepseek);

            assertThat(pipeline.requests()).as("answers from auto are not the ones asked for now").hasSize(2)
                    .allSatisfy(r -> {
                        assertThat(r.provider()).isEqualTo("deepseek");
                        assertThat(r.model()).isEqualTo("deepseek-chat");
                    });
        }
        assertThat(named.skippedUnchanged()).isZero();
        assertThat(named.completed()).isEqualTo(2);
        assertThat(storedRoutes(deepseek.repoName())).containsOnly("deepseek/deepseek-chat");

        ScanReport again;
        try (FakePipeline pipeline = new FakePipeline(ENDPOINTS.kafkaBootstrap(), clientId, r -> false)) {
            again = RepositoryScan.run(deepseek);

            assertThat(pipeline.requests()).as("the same question about the same code").isEmpty();
        }
        assertThat(again.skippedUnchanged()).isEqualTo(2);
        assertThat(again.findingsBySeverity()).containsEntry(Severity.HIGH, 1).containsEntry(Severity.MEDIUM, 1);
    }

    private static List<String> storedRoutes(String repoName) throws Exception {
        try (Connection c = DriverManager.getConnection(ENDPOINTS.jdbcUrl(), ENDPOINTS.dbUser(),
                ENDPOINTS.dbPassword());
                PreparedStatement ps = c.prepareStatement(
                        "select provider || '/' || model from scan_files where repo_name = ?")) {
            ps.setString(1, repoName);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> routes = new java.util.ArrayList<>();
                while (rs.next()) {
                    routes.add(rs.getString(1));
                }
                return routes;
            }
        }
    }

    @Test
    void shouldListTheFileStillPendingWhenItsResultDoesNotArriveInTime() throws Exception {
        sampleRepository();
        String clientId = client();
        ScanReport report;
        String withheldId;
        try (FakePipeline pipeline = new FakePipeline(ENDPOINTS.kafkaBootstrap(), clientId,
                r -> r.path().endsWith(":app/auth.py"))) {
            report = RepositoryScan.run(settings(clientId, Duration.ofSeconds(4)));
            withheldId = pipeline.requests().stream().filter(r -> r.path().endsWith(":app/auth.py")).findFirst()
                    .orElseThrow().requestId();
        }

        assertThat(report.submitted()).isEqualTo(3);
        assertThat(report.completed()).isEqualTo(2);
        assertThat(report.pending()).isEqualTo(1);
        assertThat(report.pendingFiles()).containsExactly(new ScanReport.PendingFile("app/auth.py", withheldId));
        assertThat(Files.readString(report.summary())).contains("**Incomplete: 1 file(s) still pending**",
                "| `app/auth.py` | `" + withheldId + "` |");
        String sarif = Files.readString(report.sarif());
        assertThat(SarifSchema.validate(sarif)).isEmpty();
        assertThat(sarif).contains("pending: no result for request " + withheldId, "\"executionSuccessful\" : false");
        assertThat(topicExists(Topics.scanReplyTopic(clientId, report.scanId())))
                .as("kept while something is pending").isTrue();

        try (FakePipeline pipeline = new FakePipeline(ENDPOINTS.kafkaBootstrap(), clientId, r -> false)) {
            ScanReport next = RepositoryScan.run(settings(clientId, Duration.ofSeconds(90)));

            assertThat(pipeline.requests()).as("only the file whose result never came is asked again")
                    .extracting(AnalysisRequest::path).containsExactly("repo-" + clientId + ":app/auth.py");
            assertThat(next.pending()).isZero();
            assertThat(next.skippedUnchanged()).isEqualTo(2);
        }
    }

    @Test
    void shouldRefuseToScanARepositoryThatAnotherProcessIsScanning() throws Exception {
        sampleRepository();
        String clientId = client();
        ScanSettings settings = settings(clientId, Duration.ofSeconds(90));
        try (Connection other = DriverManager.getConnection(ENDPOINTS.jdbcUrl(), ENDPOINTS.dbUser(),
                ENDPOINTS.dbPassword())) {
            try (PreparedStatement ps = other.prepareStatement(
                    "select pg_advisory_lock(hashtextextended('athena-scan:' || ?, 0))")) {
                ps.setString(1, settings.repoName());
                ps.execute();
            }

            assertThatThrownBy(() -> RepositoryScan.run(settings))
                    .isInstanceOf(ScanAlreadyRunningException.class).hasMessageContaining(settings.repoName());
        }
        try (FakePipeline pipeline = new FakePipeline(ENDPOINTS.kafkaBootstrap(), clientId, r -> false)) {
            assertThat(RepositoryScan.run(settings).completed()).as("free once the other session ended")
                    .isEqualTo(3);
        }
    }

    @Test
    void shouldScanOnceFromTheCommandLineAndExitZeroWhenEverythingCompleted() throws Exception {
        sampleRepository();
        String clientId = client();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try (FakePipeline pipeline = new FakePipeline(ENDPOINTS.kafkaBootstrap(), clientId, r -> false)) {
            code = ScanCommand.run(List.of(repo.toString(), "--client", clientId, "--type", "quality",
                    "--timeout", "90s", "--exclude", "docs/**", "--report-dir", reports.toString(),
                    "--kafka", ENDPOINTS.kafkaBootstrap(), "--db-url", ENDPOINTS.jdbcUrl(), "--db-user",
                    ENDPOINTS.dbUser(), "--db-password", ENDPOINTS.dbPassword(), "--name", "cli-" + clientId),
                    Map.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));

            assertThat(pipeline.requests()).hasSize(3)
                    .allSatisfy(r -> assertThat(r.analysisType()).isEqualTo(AnalysisType.QUALITY));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("3 submitted: 3 completed, 0 failed, 0 rejected, 0 pending", "report.sarif.json");
    }

    @Test
    void shouldExitWithFindingsAtOrAboveFailOnCountingFilesKeptFromTheScanBefore() throws Exception {
        sampleRepository();
        String clientId = client();
        List<String> args = new java.util.ArrayList<>(List.of(repo.toString(), "--client", clientId,
                "--timeout", "90s", "--exclude", "docs/**", "--report-dir", reports.toString(),
                "--kafka", ENDPOINTS.kafkaBootstrap(), "--db-url", ENDPOINTS.jdbcUrl(),
                "--db-user", ENDPOINTS.dbUser(), "--db-password", ENDPOINTS.dbPassword(),
                "--name", "gate-" + clientId, "--fail-on"));
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        ByteArrayOutputStream third = new ByteArrayOutputStream();
        int high;
        int again;
        int critical;
        try (FakePipeline pipeline = new FakePipeline(ENDPOINTS.kafkaBootstrap(), clientId, r -> false)) {
            high = ScanCommand.run(with(args, "high"), Map.of(), new PrintStream(first, true, StandardCharsets.UTF_8));
            again = ScanCommand.run(with(args, "high"), Map.of(), new PrintStream(second, true,
                    StandardCharsets.UTF_8));
            critical = ScanCommand.run(with(args, "critical"), Map.of(), new PrintStream(third, true,
                    StandardCharsets.UTF_8));
            assertThat(pipeline.requests()).as("the later scans reuse the first's results").hasSize(3);
        }

        assertThat(high).as(first.toString(StandardCharsets.UTF_8)).isEqualTo(ScanCommand.FINDINGS);
        assertThat(first.toString(StandardCharsets.UTF_8)).contains("findings at or above high (--fail-on high)");
        assertThat(again).as("unchanged files keep their findings: " + second.toString(StandardCharsets.UTF_8))
                .isEqualTo(ScanCommand.FINDINGS);
        assertThat(second.toString(StandardCharsets.UTF_8)).contains("0 submitted");
        assertThat(critical).as(third.toString(StandardCharsets.UTF_8)).isZero();
    }

    private static List<String> with(List<String> args, String last) {
        List<String> all = new java.util.ArrayList<>(args);
        all.add(last);
        return all;
    }

    private static String jobExecutions(String scanId) throws Exception {
        try (Connection c = DriverManager.getConnection(ENDPOINTS.jdbcUrl(), ENDPOINTS.dbUser(),
                ENDPOINTS.dbPassword()); PreparedStatement ps = c.prepareStatement(
                "select e.status from batch_job_execution e join batch_job_execution_params p"
                        + " on p.job_execution_id = e.job_execution_id"
                        + " where p.parameter_name = 'scanId' and p.parameter_value = ?")) {
            ps.setString(1, scanId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "none";
            }
        }
    }

    private static boolean topicExists(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                ENDPOINTS.kafkaBootstrap()))) {
            return admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS).contains(topic);
        }
    }
}

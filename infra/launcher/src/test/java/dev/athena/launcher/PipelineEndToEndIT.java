package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.json.Json;
import dev.athena.ingest.client.KafkaAthenaClient;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** A request written by a plain Kafka producer travels the whole pipeline on real Kafka, Redis and PostgreSQL. */
@Tag("integration")
class PipelineEndToEndIT {
    private static final String SQL_INJECTION = "def find(u):\n"
            + "    return db.execute(\"SELECT * FROM users WHERE name='\" + u + \"'\")\n";

    private static Endpoints endpoints;
    private static PipelineServices services;
    private static KafkaProbe kafka;

    @BeforeAll
    static void startPipeline(@TempDir Path state) {
        endpoints = SharedLocalStack.get().endpoints();
        // a wider interactive window than the default 50 ms, so that two clients' submissions surely share one
        services = PipelineServices.start(endpoints, state, new SimpleMeterRegistry(),
                Map.of("ATHENA_BATCH_WINDOW_INTERACTIVE", "500ms"));
        kafka = new KafkaProbe(endpoints.kafkaBootstrap());
    }

    @AfterAll
    static void stopPipeline() {
        if (services != null) {
            services.close();
        }
    }

    @Test
    void shouldTurnARawJsonRequestIntoExactlyOneCompletedResultStoredAndCached() throws Exception {
        String client = "team-" + UUID.randomUUID().toString().substring(0, 8);
        String requestId = UUID.randomUUID().toString();
        String json = """
                {"schemaVersion": 1, "requestId": "%s", "clientId": "%s", "analysisType": "security",
                 "language": "python", "path": "app/db.py", "code": %s, "lane": "interactive",
                 "createdAt": "2026-11-30T10:15:00Z", "someFutureField": {"ignored": true}}"""
                .formatted(requestId, client, Json.writeString(SQL_INJECTION));
        kafka.produceRaw(requestId, json.getBytes(StandardCharsets.UTF_8));

        List<AnalysisResult> results = kafka.readResults(client, 1, Duration.ofSeconds(60), Duration.ofSeconds(3));
        assertThat(results).hasSize(1);
        AnalysisResult result = results.getFirst();
        assertThat(result.requestId()).isEqualTo(requestId);
        assertThat(result.clientId()).isEqualTo(client);
        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.servedBy().provider()).isEqualTo("builtin");
        assertThat(result.servedBy().model()).isEqualTo("rules-1");
        assertThat(result.findings()).anySatisfy(f -> {
            assertThat(f.ruleId()).isEqualTo("sql-injection");
            assertThat(f.line()).isEqualTo(2);
        });

        assertThat(resultRowsFor(requestId)).isEqualTo(1);
        String servedKey = CacheKey.of("builtin", "rules-1", AnalysisType.SECURITY, SQL_INJECTION, Map.of()).value();
        assertThat(redisHas(servedKey)).as("Redis entry %s", servedKey).isTrue();
    }

    @Test
    void shouldAnswerOneQuestionFromTwoClientsWithOneAnalysisAndAResultEach() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String code = SQL_INJECTION + "# " + run + "\n";
        List<CompletableFuture<AnalysisResult>> answers = new ArrayList<>();
        try (KafkaAthenaClient a = KafkaAthenaClient.connect(endpoints.kafkaBootstrap(), "team-a-" + run);
                KafkaAthenaClient b = KafkaAthenaClient.connect(endpoints.kafkaBootstrap(), "team-b-" + run)) {
            for (KafkaAthenaClient client : List.of(a, b)) {
                String clientId = client == a ? "team-a-" + run : "team-b-" + run;
                answers.add(client.submit(new AnalysisRequest(SchemaVersion.CURRENT, UUID.randomUUID().toString(),
                        clientId, AnalysisType.SECURITY, "python", "app/db.py", code, null, null, Lane.INTERACTIVE,
                        null, null, null, Instant.now(), null)));
                client.flush();
            }
            AnalysisResult first = answers.get(0).get(60, TimeUnit.SECONDS);
            AnalysisResult second = answers.get(1).get(60, TimeUnit.SECONDS);

            assertThat(List.of(first, second)).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(ResultStatus.COMPLETED);
                assertThat(r.cached()).as("coalesced, not answered from the cache").isFalse();
                assertThat(r.findings()).anySatisfy(f -> assertThat(f.ruleId()).isEqualTo("sql-injection"));
            });
            assertThat(first.clientId()).isEqualTo("team-a-" + run);
            assertThat(second.clientId()).isEqualTo("team-b-" + run);
            assertThat(second.batchId()).as("one item of one batch: a single analysis").isEqualTo(first.batchId());
        }
    }

    /** Each client picks its own request ids: the same id from two clients is two requests, answered once each. */
    @Test
    void shouldAnswerTwoClientsThatChoseTheSameRequestIdOnceEach() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String requestId = "req-1";
        Map<String, String> codeOf = Map.of("team-x-" + run, SQL_INJECTION + "# " + run + "\n",
                "team-y-" + run, "print('nothing to see " + run + "')\n");
        for (var entry : codeOf.entrySet()) {
            String json = """
                    {"schemaVersion": 1, "requestId": "%s", "clientId": "%s", "analysisType": "security",
                     "language": "python", "code": %s, "lane": "interactive", "createdAt": "2026-11-30T10:15:00Z"}"""
                    .formatted(requestId, entry.getKey(), Json.writeString(entry.getValue()));
            kafka.produceRaw(requestId, json.getBytes(StandardCharsets.UTF_8));
        }

        List<AnalysisResult> x = kafka.readResults("team-x-" + run, 1, Duration.ofSeconds(60), Duration.ofSeconds(3));
        List<AnalysisResult> y = kafka.readResults("team-y-" + run, 1, Duration.ofSeconds(60), Duration.ofSeconds(3));

        assertThat(x).singleElement().satisfies(r -> {
            assertThat(r.requestId()).isEqualTo(requestId);
            assertThat(r.status()).isEqualTo(ResultStatus.COMPLETED);
            assertThat(r.findings()).anySatisfy(f -> assertThat(f.ruleId()).isEqualTo("sql-injection"));
        });
        assertThat(y).singleElement().satisfies(r -> {
            assertThat(r.requestId()).isEqualTo(requestId);
            assertThat(r.status()).isEqualTo(ResultStatus.COMPLETED);
            assertThat(r.findings()).noneSatisfy(f -> assertThat(f.ruleId()).isEqualTo("sql-injection"));
        });
        assertThat(resultRowsFor(requestId, "team-x-" + run)).isEqualTo(1);
        assertThat(resultRowsFor(requestId, "team-y-" + run)).isEqualTo(1);
    }

    @Test
    void shouldAnswerABadRequestWithOneRejectedResultNamingTheField() throws Exception {
        String client = "team-" + UUID.randomUUID().toString().substring(0, 8);
        String requestId = UUID.randomUUID().toString();
        String json = """
                {"schemaVersion": 1, "requestId": "%s", "clientId": "%s", "analysisType": "security",
                 "code": ""}""".formatted(requestId, client);
        kafka.produceRaw(requestId, json.getBytes(StandardCharsets.UTF_8));

        List<AnalysisResult> results = kafka.readResults(client, 1, Duration.ofSeconds(60), Duration.ofSeconds(2));
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.requestId()).isEqualTo(requestId);
            assertThat(r.status()).isEqualTo(ResultStatus.REJECTED);
            assertThat(r.error().message()).contains("code");
        });
    }

    @Test
    void shouldSubmitAFileFromTheCommandLineAndPrintItsResult(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("db.py"), SQL_INJECTION);
        var printed = new ByteArrayOutputStream();
        int code = new Athena(new PrintStream(printed, true, StandardCharsets.UTF_8), Map.of()).run(new String[] {
                "submit", file.toString(), "--client", "cli-" + UUID.randomUUID().toString().substring(0, 8),
                "--kafka", endpoints.kafkaBootstrap(), "--timeout", "60"});
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        assertThat(output).contains("db.py: COMPLETED").contains("sql-injection");
        assertThat(output).as("the id to cancel it by").containsPattern("db\\.py submitted as [0-9a-f-]{36}\\n");
    }

    @Test
    void shouldAskTheProviderNamedOnTheCommandLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("db.py"), SQL_INJECTION);
        var printed = new ByteArrayOutputStream();
        int code = new Athena(new PrintStream(printed, true, StandardCharsets.UTF_8), Map.of()).run(new String[] {
                "submit", file.toString(), "--client", "cli-" + UUID.randomUUID().toString().substring(0, 8),
                "--kafka", endpoints.kafkaBootstrap(), "--timeout", "60", "--provider", "deepseek", "--model",
                "deepseek-chat"});
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        // no deepseek key here: the builtin analyser stands in for the provider asked for, and says so
        assertThat(output).contains("db.py: COMPLETED by builtin/rules-1 (degraded)");
    }

    @Test
    void shouldSubmitToThePipelineRecordedInItsDataDirectoryWithoutStartingAnother(@TempDir Path dir,
            @TempDir Path data) throws Exception {
        Path file = Files.writeString(dir.resolve("db.py"), SQL_INJECTION);
        RunningPipeline.write(data, endpoints); // as ./athena up does, with this JVM's process id
        var printed = new ByteArrayOutputStream();
        int code = new Athena(new PrintStream(printed, true, StandardCharsets.UTF_8), Map.of()).run(new String[] {
                "submit", file.toString(), "--client", "cli-" + UUID.randomUUID().toString().substring(0, 8),
                "--data", data.toString(), "--timeout", "60"});
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        assertThat(output).contains("db.py: COMPLETED").doesNotContain("starting one");
    }

    @Test
    void shouldScanARepositoryThroughThePipelineIntoSarifAndASummary(@TempDir Path repo, @TempDir Path reports)
            throws Exception {
        Files.createDirectories(repo.resolve("app"));
        Files.writeString(repo.resolve("app/db.py"), SQL_INJECTION);
        Files.writeString(repo.resolve("app/ok.py"), "def add(a, b):\n    return a + b\n");
        var printed = new ByteArrayOutputStream();
        int code = scan(printed, repo, "--timeout", "90s", "--report-dir", reports.toString());
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        try (var files = Files.walk(reports)) {
            Path sarif = files.filter(p -> p.getFileName().toString().equals("report.sarif.json")).findFirst()
                    .orElseThrow(() -> new AssertionError("no SARIF report in " + output));
            var log = Json.tree(Files.readAllBytes(sarif));
            assertThat(log.get("version").asString()).isEqualTo("2.1.0");
            assertThat(log.get("runs").get(0).get("results").toString()).contains("sql-injection", "app/db.py");
        }
    }

    @Test
    void shouldScanAskingTheProviderNamedOnTheCommandLineAndSayWhoAnswered(@TempDir Path repo,
            @TempDir Path reports) throws Exception {
        Files.writeString(repo.resolve("db.py"), SQL_INJECTION);
        String client = "scan-" + UUID.randomUUID().toString().substring(0, 8);
        var printed = new ByteArrayOutputStream();
        int code = scan(printed, repo, "--client", client, "--provider", "deepseek", "--model", "deepseek-chat",
                "--timeout", "90s", "--report-dir", reports.toString());
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        // no deepseek key here: the builtin analyser stands in for the provider asked for, and the scan says so
        assertThat(output).contains("1 submitted: 1 completed", "degraded 1 answer(s) came from the built-in analyser");
        try (var files = Files.walk(reports)) {
            Path summary = files.filter(p -> p.getFileName().toString().equals("summary.md")).findFirst()
                    .orElseThrow(() -> new AssertionError("no summary in " + output));
            assertThat(Files.readString(summary)).contains("analysis asked of deepseek/deepseek-chat",
                    "| builtin/rules-1 (degraded: standing in for the provider asked for) | 1 |", "sql-injection");
        }

        var again = new ByteArrayOutputStream();
        int secondCode = scan(again, repo, "--client", client, "--provider", "deepseek", "--model", "deepseek-chat",
                "--timeout", "90s", "--report-dir", reports.toString());
        assertThat(secondCode).as(again.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(again.toString(StandardCharsets.UTF_8)).as("a stand-in's answer is not kept as the provider's")
                .contains("0 unchanged, 1 submitted: 1 completed");
    }

    /**
     * {@code athena scan REPO OPTIONS} against the shared stack, given as the environment; as a new client unless
     * the options name one.
     */
    private static int scan(ByteArrayOutputStream printed, Path repo, String... options) throws Exception {
        Map<String, String> env = Map.of("ATHENA_KAFKA_BOOTSTRAP", endpoints.kafkaBootstrap(),
                "ATHENA_DB_URL", endpoints.jdbcUrl(), "ATHENA_DB_USER", endpoints.dbUser(),
                "ATHENA_DB_PASSWORD", endpoints.dbPassword());
        List<String> args = new ArrayList<>(List.of("scan", repo.toString()));
        if (!List.of(options).contains("--client")) {
            args.addAll(List.of("--client", "scan-" + UUID.randomUUID().toString().substring(0, 8)));
        }
        args.addAll(List.of(options));
        return new Athena(new PrintStream(printed, true, StandardCharsets.UTF_8), env).run(args.toArray(String[]::new));
    }

    private static int resultRowsFor(String requestId) throws Exception {
        return resultRowsFor(requestId, null);
    }

    /** Rows stored for the request id (of that client, when one is named), waiting up to 30 s for the first. */
    private static int resultRowsFor(String requestId, String clientId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (var conn = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(),
                    endpoints.dbPassword());
                    var statement = conn.prepareStatement("select count(*) from analysis_results where request_id = ?"
                            + " and (cast(? as text) is null or client_id = ?)")) {
                statement.setString(1, requestId);
                statement.setString(2, clientId);
                statement.setString(3, clientId);
                try (var rs = statement.executeQuery()) {
                    rs.next();
                    int rows = rs.getInt(1);
                    if (rows > 0 || System.nanoTime() > deadline) {
                        return rows;
                    }
                }
            }
            Thread.sleep(200);
        }
    }

    private static boolean redisHas(String key) {
        Config config = new Config();
        config.useSingleServer().setAddress(endpoints.redisUrl());
        RedissonClient redis = Redisson.create(config);
        try {
            return redis.getBucket(key, StringCodec.INSTANCE).isExists();
        } finally {
            redis.shutdown();
        }
    }
}

package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ingest.gateway.auth.ApiKeyFormat;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

@Tag("integration")
class GatewayIT {
    static final String ADMIN_KEY = TestStack.ADMIN_KEY;
    static final String ALLOWED_ORIGIN = "https://app.example";
    static final String CODE = "def find(u):\n    return db.execute(\"SELECT * FROM users WHERE name='\" + u + \"'\")\n";

    static Endpoints endpoints;
    static Gateway gateway;
    static GatewayClient http;

    @BeforeAll
    static void start() {
        endpoints = SharedLocalStack.get().endpoints();
        GatewaySettings settings = TestStack.settings().withCorsOrigins(List.of(ALLOWED_ORIGIN));
        gateway = Gateway.start(settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        http = new GatewayClient(gateway.port());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    static String client() {
        return "gw-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String createKey(String clientId, String... scopes) {
        String body = Json.writeString(Map.of("clientId", clientId, "scopes", List.of(scopes)));
        HttpResponse<String> response = http.post("/v1/admin/keys", ADMIN_KEY, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response).get("key").stringValue();
    }

    static JsonNode json(HttpResponse<String> response) {
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    static String analysis(String type) {
        return Json.writeString(Map.of("analysisType", type, "code", CODE, "language", "python", "path", "app/db.py"));
    }

    static void assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode problem = json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").stringValue()).isNotBlank();
        if (field != null) {
            assertThat(problem.get("field").stringValue()).isEqualTo(field);
        }
    }

    @Test
    void shouldServeHealthAndMetricsWithoutAKey() {
        HttpResponse<String> health = http.get("/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").stringValue()).isEqualTo("UP");
        http.get("/v1/analyses/x", null);
        HttpResponse<String> metrics = http.get("/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("athena_gateway_auth_failures");
    }

    @Test
    void shouldAnswer401ForMissingMalformedAndUnknownKeys() {
        assertProblem(http.get("/v1/analyses/abc", null), 401, null);
        assertProblem(http.get("/v1/analyses/abc", "ath_not-a-key"), 401, null);
        String wellFormedButUnknown = new dev.athena.ingest.gateway.auth.ApiKeyFormat(new java.security.SecureRandom())
                .generate();
        HttpResponse<String> unknown = http.get("/v1/analyses/abc", wellFormedButUnknown);
        assertProblem(unknown, 401, null);
        assertThat(unknown.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void shouldAnswer403WhenTheKeyLacksTheScope() {
        String readOnly = createKey(client(), "read");
        assertProblem(http.post("/v1/analyses", readOnly, analysis("security")), 403, null);
        String submitOnly = createKey(client(), "submit");
        assertProblem(http.get("/v1/admin/keys", submitOnly), 403, null);
    }

    @Test
    void shouldAcceptAnAnalysisAndProduceItToKafkaForTheKeysClient() {
        String clientId = client();
        String key = createKey(clientId, "submit", "read");
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> response = http.post("/v1/analyses", key, analysis("security"),
                "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = json(response).get("id").stringValue();
        assertThat(response.headers().firstValue("Location")).hasValue("/v1/analyses/" + id);

        ConsumerRecord<String, byte[]> record = findRequest(id);
        AnalysisRequest request = Json.read(record.value(), AnalysisRequest.class);
        assertThat(request.clientId()).isEqualTo(clientId);
        assertThat(request.lane()).isEqualTo(Lane.INTERACTIVE);
        assertThat(request.code()).isEqualTo(CODE);
        assertThat(record.partition()).as("the partition of its cache key, where the collector coalesces")
                .isEqualTo(RequestPartitions.of(request, 6));
        assertThat(new String(record.headers().lastHeader("athena-client-id").value(), StandardCharsets.UTF_8))
                .isEqualTo(clientId);
        assertThat(new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.US_ASCII))
                .startsWith("00-" + traceId + "-");

        HttpResponse<String> pending = http.get("/v1/analyses/" + id, key);
        assertThat(pending.statusCode()).isEqualTo(202);
        assertThat(json(pending).get("status").stringValue()).isEqualTo("PENDING");
    }

    @Test
    void shouldSendWhatTheCallerAsksForOnTheBulkLaneToTheBulkIntake() {
        String key = createKey(client(), "submit", "read");
        HttpResponse<String> response = http.post("/v1/analyses", key, Json.writeString(Map.of(
                "analysisType", "security", "code", CODE, "lane", "bulk")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = json(response).get("id").stringValue();

        ConsumerRecord<String, byte[]> record = findRequest(id, Topics.REQUESTS_BULK);
        AnalysisRequest request = Json.read(record.value(), AnalysisRequest.class);
        assertThat(request.lane()).isEqualTo(Lane.BULK);
        assertThat(record.partition()).isEqualTo(RequestPartitions.of(request, 6));
        assertThat(countRequests(id)).as("nothing on the interactive intake").isZero();
        assertProblem(http.post("/v1/analyses", key, Json.writeString(Map.of("analysisType", "security",
                "code", CODE, "lane", "urgent"))), 422, "lane");
    }

    @Test
    void shouldReturnTheSameIdForARetriedIdempotencyKey() {
        String key = createKey(client(), "submit", "read");
        String idem = UUID.randomUUID().toString();
        HttpResponse<String> first = http.post("/v1/analyses", key, analysis("quality"), "Idempotency-Key", idem);
        HttpResponse<String> second = http.post("/v1/analyses", key, analysis("quality"), "Idempotency-Key", idem);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(json(second).get("id").stringValue()).isEqualTo(json(first).get("id").stringValue());
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        HttpResponse<String> other = http.post("/v1/analyses", key, analysis("quality"));
        assertThat(json(other).get("id").stringValue()).isNotEqualTo(json(first).get("id").stringValue());
        assertProblem(http.post("/v1/analyses", key, analysis("complexity"), "Idempotency-Key", idem), 422,
                "Idempotency-Key");
    }

    /**
     * A gateway that stopped between claiming an Idempotency-Key and sending the request left a claim only, an
     * hour ago; a claim younger than its sender's time limit is still being sent (the concurrent test below).
     */
    @Test
    void shouldSendAClaimThatNeverReachedKafkaWhenItsIdempotencyKeyIsRetried() throws Exception {
        String clientId = client();
        String key = createKey(clientId, "submit", "read");
        String idem = UUID.randomUUID().toString();
        String body = analysis("quality");
        String orphan = UUID.randomUUID().toString();
        try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(),
                endpoints.dbPassword()); PreparedStatement ps = c.prepareStatement("insert into gateway_submissions"
                        + "(request_id, client_id, idempotency_hash, body_hash, created_at) "
                        + "values (?, ?, ?, ?, now() - interval '1 hour')")) {
            ps.setString(1, orphan);
            ps.setString(2, clientId);
            ps.setString(3, dev.athena.ingest.gateway.auth.Authenticator.sha256Hex(idem));
            ps.setString(4, dev.athena.ingest.gateway.auth.Authenticator.sha256Hex(body));
            ps.executeUpdate();
        }

        HttpResponse<String> retry = http.post("/v1/analyses", key, body, "Idempotency-Key", idem);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        assertThat(json(retry).get("id").stringValue()).isEqualTo(orphan);
        assertThat(findRequest(orphan).key()).isEqualTo(orphan);
        HttpResponse<String> again = http.post("/v1/analyses", key, body, "Idempotency-Key", idem);
        assertThat(json(again).get("id").stringValue()).isEqualTo(orphan);
        assertThat(countRequests(orphan)).as("sent once the claim is known to be sent").isEqualTo(1);
    }

    @Test
    void shouldStartOneAnalysisForConcurrentRetriesWithOneIdempotencyKey() throws Exception {
        String key = createKey(client(), "submit");
        String idem = UUID.randomUUID().toString();
        List<java.util.concurrent.Future<HttpResponse<String>>> calls = new java.util.ArrayList<>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                calls.add(executor.submit(() -> http.post("/v1/analyses", key, analysis("explain"),
                        "Idempotency-Key", idem)));
            }
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (var call : calls) {
            HttpResponse<String> response = call.get();
            assertThat(response.statusCode()).isEqualTo(202);
            ids.add(json(response).get("id").stringValue());
        }
        assertThat(ids).hasSize(1);
        assertThat(countRequests(ids.iterator().next())).isEqualTo(1);
    }

    @Test
    void shouldAnswer400ForABadQueryParameterType() {
        assertProblem(http.get("/v1/admin/audit?limit=many", ADMIN_KEY), 400, null);
    }

    @Test
    void shouldAnswer422NamingTheField() {
        String key = createKey(client(), "submit");
        assertProblem(http.post("/v1/analyses", key, Json.writeString(Map.of("analysisType", "security"))), 422,
                "code");
        assertProblem(http.post("/v1/analyses", key, Json.writeString(Map.of("analysisType", "poetry", "code", "x"))),
                422, "analysisType");
        assertProblem(http.post("/v1/analyses", key, Json.writeString(Map.of("analysisType", "security",
                "code", "x", "deadline", "tomorrow"))), 422, "deadline");
        assertProblem(http.post("/v1/analyses", key, "{not json"), 400, "body");
    }

    @Test
    void shouldAnswer413ForAnOversizeBody() {
        String key = createKey(client(), "submit");
        String big = Json.writeString(Map.of("analysisType", "security", "code", "x".repeat(70 * 1024)));
        assertProblem(http.post("/v1/analyses", key, big), 413, "body");
    }

    @Test
    void shouldHideAnotherClientsAnalysisAs404() {
        String owner = createKey(client(), "submit", "read");
        String stranger = createKey(client(), "submit", "read");
        String id = json(http.post("/v1/analyses", owner, analysis("security"))).get("id").stringValue();
        assertProblem(http.get("/v1/analyses/" + id, stranger), 404, null);
        assertProblem(http.get("/v1/analyses/" + UUID.randomUUID(), owner), 404, null);
    }

    @Test
    void shouldLongPollUntilTheResultArrivesOnTheClientsResultTopic() throws Exception {
        String clientId = client();
        String key = createKey(clientId, "submit", "read");
        String id = json(http.post("/v1/analyses", key, analysis("security"))).get("id").stringValue();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()))) {
            new TopicProvisioner(admin).ensure(Topics.resultsFor(clientId));
        }
        Thread writer = Thread.ofVirtual().start(() -> {
            sleep(Duration.ofSeconds(2));
            produceResult(completed(id, clientId));
        });
        HttpResponse<String> done = http.get("/v1/analyses/" + id + "?wait=40s", key);
        writer.join();
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        AnalysisResult result = Json.read(done.body(), AnalysisResult.class);
        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.findings()).extracting(Finding::ruleId).containsExactly("sql-injection");
        String strangerKey = createKey(client(), "read");
        assertProblem(http.get("/v1/analyses/" + id, strangerKey), 404, null);
    }

    @Test
    void shouldReadACompletedResultFromTheSplittersTable() throws Exception {
        String clientId = client();
        String key = createKey(clientId, "read");
        String id = "kafka-direct-" + UUID.randomUUID();
        insertResultRow(completed(id, clientId));
        HttpResponse<String> done = http.get("/v1/analyses/" + id, key);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(Json.read(done.body(), AnalysisResult.class).requestId()).isEqualTo(id);
        assertProblem(http.get("/v1/analyses/" + id, createKey(client(), "read")), 404, null);
    }

    @Test
    void shouldListAndRevokeKeysAndAuditIt() {
        String clientId = client();
        String key = createKey(clientId, "read");
        HttpResponse<String> list = http.get("/v1/admin/keys?clientId=" + clientId, ADMIN_KEY);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(key);
        JsonNode keys = json(list).get("keys");
        assertThat(keys).hasSize(1);
        String keyId = keys.get(0).get("keyId").stringValue();
        assertThat(http.get("/v1/analyses/" + UUID.randomUUID(), key).statusCode()).isEqualTo(404);
        assertThat(http.delete("/v1/admin/keys/" + keyId, ADMIN_KEY).statusCode()).isEqualTo(204);
        assertProblem(http.get("/v1/analyses/" + UUID.randomUUID(), key), 401, null);
        assertProblem(http.delete("/v1/admin/keys/" + keyId, ADMIN_KEY), 404, null);
        // a key pasted into the path instead of the header is refused, and the audit log does not keep it
        assertProblem(http.get("/v1/analyses/" + key, null), 401, null);
        HttpResponse<String> audit = http.get("/v1/admin/audit?limit=1000", ADMIN_KEY);
        assertThat(audit.body()).contains("key.revoked").contains(keyId).contains("auth.failed")
                .contains("/v1/analyses/" + ApiKeyFormat.hint(key)).doesNotContain(key);
    }

    @Test
    void shouldCreateKeysThatExpireAndRotateKeysWithAGracePeriod() {
        String clientId = client();
        HttpResponse<String> created = http.post("/v1/admin/keys", ADMIN_KEY, Json.writeString(Map.of(
                "clientId", clientId, "scopes", List.of("read"), "expiresIn", "90d")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String oldKey = json(created).get("key").stringValue();
        String oldId = json(created).get("keyId").stringValue();
        Instant expiresAt = Instant.parse(json(created).get("expiresAt").stringValue());
        assertThat(expiresAt).isBetween(Instant.now().plus(Duration.ofDays(89)),
                Instant.now().plus(Duration.ofDays(91)));
        assertThat(json(created).get("state").stringValue()).isEqualTo("active");
        assertThat(http.get("/v1/analyses/" + UUID.randomUUID(), oldKey).statusCode()).isEqualTo(404);

        HttpResponse<String> rotated = http.post("/v1/admin/keys/" + oldId + "/rotation", ADMIN_KEY, "");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        String newKey = json(rotated).get("key").stringValue();
        assertThat(json(rotated).get("clientId").stringValue()).isEqualTo(clientId);
        assertThat(json(rotated).get("scopes").toString()).isEqualTo("[\"read\"]");
        assertThat(json(rotated).get("expiresAt").isNull()).isTrue();
        Instant graceEnds = Instant.parse(json(rotated).get("replaces").get("expiresAt").stringValue());
        assertThat(graceEnds).isBetween(Instant.now().plus(Duration.ofHours(23)),
                Instant.now().plus(Duration.ofHours(25)));
        assertThat(http.get("/v1/analyses/" + UUID.randomUUID(), oldKey).statusCode()).isEqualTo(404);
        assertThat(http.get("/v1/analyses/" + UUID.randomUUID(), newKey).statusCode()).isEqualTo(404);

        HttpResponse<String> listed = http.get("/v1/admin/keys?clientId=" + clientId, ADMIN_KEY);
        JsonNode old = json(listed).get("keys").get(0);
        assertThat(old.get("keyId").stringValue()).isEqualTo(oldId);
        assertThat(old.get("lastUsedAt").isNull()).as(listed.body()).isFalse();
        assertThat(json(listed).get("keys")).hasSize(2);

        // no grace: the old key stops at once, with a 401 that says why
        String newId = json(rotated).get("keyId").stringValue();
        HttpResponse<String> again = http.post("/v1/admin/keys/" + newId + "/rotation", ADMIN_KEY,
                "{\"grace\": \"0s\", \"expiresIn\": \"30d\"}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        HttpResponse<String> refused = http.get("/v1/analyses/" + UUID.randomUUID(), newKey);
        assertProblem(refused, 401, null);
        assertThat(json(refused).get("detail").stringValue()).contains("expired at");
        assertThat(http.get("/v1/admin/keys?clientId=" + clientId, ADMIN_KEY).body()).contains("\"expired\"");
        assertProblem(http.post("/v1/admin/keys/" + newId + "/rotation", ADMIN_KEY, ""), 404, null);
        assertProblem(http.post("/v1/admin/keys/key_nope/rotation", ADMIN_KEY, ""), 404, null);
        HttpResponse<String> audit = http.get("/v1/admin/audit?limit=1000", ADMIN_KEY);
        assertThat(audit.body()).contains("key.rotated").contains(oldId + " -> " + newId).contains("expired-key")
                .doesNotContain(newKey).as("the expiry as stored, as the creation answered it")
                .contains("expires=" + expiresAt);
    }

    @Test
    void shouldRefuseKeyLifetimesThatAreNotOnesNamingTheField() {
        String clientId = client();
        assertProblem(http.post("/v1/admin/keys", ADMIN_KEY, Json.writeString(Map.of("clientId", clientId,
                "scopes", List.of("read"), "expiresAt", "2020-01-01T00:00:00Z"))), 422, "expiresAt");
        assertProblem(http.post("/v1/admin/keys", ADMIN_KEY, Json.writeString(Map.of("clientId", clientId,
                "scopes", List.of("read"), "expiresIn", "forever"))), 422, "expiresIn");
        assertProblem(http.post("/v1/admin/keys", ADMIN_KEY, Json.writeString(Map.of("clientId", clientId,
                "scopes", List.of("read"), "expiresIn", "1d", "expiresAt", "2030-01-01T00:00:00Z"))), 422,
                "expiresAt");
        assertProblem(http.post("/v1/admin/keys", ADMIN_KEY, Json.writeString(Map.of("clientId", clientId,
                "scopes", List.of("read"), "expiresIn", 90))), 422, "expiresIn");
        createKey(clientId, "read");
        String keyId = json(http.get("/v1/admin/keys?clientId=" + clientId, ADMIN_KEY)).get("keys").get(0)
                .get("keyId").stringValue();
        assertProblem(http.post("/v1/admin/keys/" + keyId + "/rotation", ADMIN_KEY, "{\"grace\": \"90d\"}"), 422,
                "grace");
        assertProblem(http.post("/v1/admin/keys/" + keyId + "/rotation", ADMIN_KEY, "{\"grace\": "), 400, "body");
        // nothing was rotated by the refused attempts
        assertThat(json(http.get("/v1/admin/keys?clientId=" + clientId, ADMIN_KEY)).get("keys")).hasSize(1);
    }

    @Test
    void shouldAllowOnlyConfiguredOriginsForCors() {
        HttpResponse<String> allowed = http.send(http.builder("/v1/analyses", null)
                .header("Origin", ALLOWED_ORIGIN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED_ORIGIN);
        HttpResponse<String> refused = http.send(http.builder("/v1/analyses", null)
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        String key = createKey(client(), "read");
        HttpResponse<String> simple = http.send(http.builder("/v1/analyses/" + UUID.randomUUID(), key)
                .header("Origin", ALLOWED_ORIGIN).GET().build());
        assertThat(simple.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED_ORIGIN);
    }

    @Test
    void shouldLetSpringCreateOnlyTheWebLayer() {
        var context = gateway.context();
        assertThat(context.getBeanNamesForType(javax.sql.DataSource.class)).isEmpty();
        assertThat(context.getBeanNamesForType(org.flywaydb.core.Flyway.class)).isEmpty();
        assertThat(context.getBeanNamesForType(org.redisson.api.RedissonClient.class)).isEmpty();
        assertThat(context.getBeanNamesForType(org.apache.kafka.clients.producer.Producer.class)).isEmpty();
        assertThat(context.getBeanNamesForType(
                org.springframework.web.servlet.DispatcherServlet.class)).hasSize(1);
        assertThat(context.containsBean("tomcatVirtualThreadsProtocolHandlerCustomizer"))
                .as("requests, long polls and event streams run on virtual threads").isTrue();
    }

    @Test
    void shouldGiveTomcatADirectoryOfItsOwnAndRemoveItOnClose() throws Exception {
        // as for the first gateway of a JVM: Tomcat then records its directory as catalina.home for every later one
        Map<String, String> before = new java.util.HashMap<>();
        for (String property : List.of("catalina.home", "catalina.base")) {
            before.put(property, System.clearProperty(property));
        }
        try {
            java.nio.file.Path first = closedAfterCheckingItsDirectory(TestStack.start(TestStack.settings()));
            assertThat(first).doesNotExist();
            java.nio.file.Path second = closedAfterCheckingItsDirectory(TestStack.start(TestStack.settings()));
            assertThat(first).as("not made again by the next gateway's Tomcat").doesNotExist();
            assertThat(second).doesNotExist();
        } finally {
            before.forEach((property, value) -> {
                if (value != null) {
                    System.setProperty(property, value);
                }
            });
        }
    }

    private static java.nio.file.Path closedAfterCheckingItsDirectory(Gateway gateway) throws Exception {
        try {
            var server = (org.springframework.boot.tomcat.TomcatWebServer)
                    ((org.springframework.boot.web.server.context.WebServerApplicationContext) gateway.context())
                            .getWebServer();
            java.nio.file.Path base = server.getTomcat().getServer().getCatalinaBase().toPath();
            assertThat(base.getFileName().toString()).startsWith("athena-gateway-tomcat-");
            assertThat(base.resolve("work")).as("Tomcat's work directory, inside it").isDirectory();
            return base;
        } finally {
            gateway.close();
        }
    }

    @Test
    void shouldDescribeEveryMappedPathInTheOpenApiDocument() {
        var mapping = gateway.context().getBean("requestMappingHandlerMapping",
                org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping.class);
        java.util.Set<String> mapped = new java.util.TreeSet<>();
        mapping.getHandlerMethods().keySet().forEach(info -> mapped.addAll(info.getPatternValues()));
        java.util.Set<String> documented = new java.util.TreeSet<>(json(http.get("/v1/openapi.json", null))
                .get("paths").propertyNames());
        assertThat(mapped).isNotEmpty();
        assertThat(documented).containsAll(mapped).contains("/v1/stream");
    }

    @Test
    void shouldCreateTheResultTopicOfANewClientWithItsFirstKey() throws Exception {
        String clientId = client();
        createKey(clientId, "read");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()))) {
            assertThat(admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS))
                    .contains(Topics.resultsTopicName(clientId));
        }
    }

    @Test
    void shouldAnswerUnknownPathsAsProblemJson() {
        assertProblem(http.get("/v1/nothing-here", null), 404, null);
    }

    @Test
    void shouldServeTheOpenApiDocumentWithoutAKey() {
        HttpResponse<String> response = http.get("/v1/openapi.json", null);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode doc = json(response);
        assertThat(doc.get("openapi").stringValue()).startsWith("3.");
        assertThat(doc.get("paths").propertyNames()).contains("/v1/analyses", "/v1/analyses/{id}",
                "/v1/analyses/{id}/events", "/v1/stream", "/v1/admin/keys");
    }

    @Test
    void shouldPublishACacheInvalidationForTheSplittersAndAuditIt() throws Exception {
        var redisson = org.redisson.Redisson.create(redisConfig());
        try {
            var heard = new java.util.concurrent.LinkedBlockingQueue<String>();
            var topic = redisson.getTopic("athena:cache:invalidation-requests",
                    org.redisson.client.codec.StringCodec.INSTANCE);
            topic.addListener(String.class, (channel, message) -> heard.add(message));
            HttpResponse<String> response = http.post("/v1/admin/cache/invalidations", ADMIN_KEY,
                    "{\"kind\":\"tag\",\"value\":\"path:app/db.py\"}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            JsonNode message = Json.tree(heard.poll(20, java.util.concurrent.TimeUnit.SECONDS)
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(message.get("kind").stringValue()).isEqualTo("tag");
            assertThat(message.get("value").stringValue()).isEqualTo("path:app/db.py");
            assertThat(message.get("actor").stringValue()).isEqualTo("bootstrap-admin");
            assertProblem(http.post("/v1/admin/cache/invalidations", ADMIN_KEY, "{\"kind\":\"tag\",\"value\":\"x\"}"),
                    422, "value");
            assertProblem(http.post("/v1/admin/cache/invalidations", ADMIN_KEY, "{\"kind\":{\"a\":1}}"), 422, "kind");
            assertProblem(http.post("/v1/admin/cache/invalidations", ADMIN_KEY, "{\"kind\":\"tag\",\"value\":[1]}"),
                    422, "value");
            assertThat(http.get("/v1/admin/audit", ADMIN_KEY).body()).contains("cache.invalidated");
        } finally {
            redisson.shutdown();
        }
    }

    static org.redisson.config.Config redisConfig() {
        var config = new org.redisson.config.Config();
        config.useSingleServer().setAddress(endpoints.redisUrl());
        return config;
    }

    static AnalysisResult completed(String id, String clientId) {
        return new AnalysisResult(SchemaVersion.CURRENT, id, clientId, ResultStatus.COMPLETED,
                List.of(new Finding("sql-injection", Severity.HIGH, 2, "SQL built by string concatenation",
                        "use a parameterised query")), "1 finding", new ServedBy("builtin", "rules-1", false), false,
                "batch-1", null, null, Instant.parse("2026-11-30T10:15:00.140Z"));
    }

    static void produceResult(AnalysisResult result) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.resultsTopicName(result.clientId()), result.requestId(),
                    Json.write(result)));
        }
    }

    /** The row as the result splitter writes it (its migration owns the table; here it is created if absent). */
    static void insertResultRow(AnalysisResult result) throws SQLException {
        Endpoints stack = TestStack.endpoints();
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword())) {
            try (Statement s = c.createStatement()) {
                s.execute("create table if not exists analysis_results (request_id text primary key, client_id text "
                        + "not null, status text not null, served_provider text, served_model text, degraded boolean "
                        + "not null default false, cached boolean not null, batch_id text not null, result jsonb not "
                        + "null, completed_at timestamptz not null, stored_at timestamptz not null default now())");
            }
            try (PreparedStatement ps = c.prepareStatement("insert into analysis_results(request_id, client_id, "
                    + "status, served_provider, served_model, cached, batch_id, result, completed_at) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
                ps.setString(1, result.requestId());
                ps.setString(2, result.clientId());
                ps.setString(3, result.status().name());
                ps.setString(4, result.servedBy().provider());
                ps.setString(5, result.servedBy().model());
                ps.setBoolean(6, result.cached());
                ps.setString(7, result.batchId());
                ps.setString(8, Json.writeString(result));
                ps.setTimestamp(9, Timestamp.from(result.completedAt()));
                ps.executeUpdate();
            }
        }
    }

    static ConsumerRecord<String, byte[]> findRequest(String id) {
        return findRequest(id, Topics.REQUESTS);
    }

    static ConsumerRecord<String, byte[]> findRequest(String id, String topic) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (id.equals(record.key())) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("request " + id + " never reached " + topic);
    }

    /** Records on athena.requests with this key, read up to the current end of every partition. */
    static int countRequests(String id) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.REQUESTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            int count = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (id.equals(record.key())) {
                        count++;
                    }
                }
            }
            return count;
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

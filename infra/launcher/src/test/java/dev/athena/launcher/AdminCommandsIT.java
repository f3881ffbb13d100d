package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ingest.gateway.Gateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./athena keys}, {@code cache invalidate}, {@code usage}, {@code providers}, {@code audit} against a running
 * gateway and splitter, and {@code dlq} against the collector's dead letters.
 */
@Tag("integration")
class AdminCommandsIT {
    private static final String ADMIN_KEY = "admin-" + UUID.randomUUID() + "-0123456789";

    private static PipelineServices services;
    private static Gateway gateway;
    private static String url;

    @BeforeAll
    static void start(@TempDir Path state) {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        services = PipelineServices.start(endpoints, state, new SimpleMeterRegistry());
        gateway = Gateway.start(EmbeddedPipeline.gatewaySettings(endpoints, 0, Map.of("ATHENA_ADMIN_KEY", ADMIN_KEY)),
                new SimpleMeterRegistry());
        url = "http://127.0.0.1:" + gateway.port();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    void shouldCreateAKeyThatCanSubmit() throws Exception {
        var printed = new ByteArrayOutputStream();
        int code = athena(printed, ADMIN_KEY, "keys", "create", "--client", "cli-keys", "--scopes", "submit,read",
                "--url", url);
        String key = printed.toString(StandardCharsets.UTF_8).strip();
        assertThat(code).isZero();
        assertThat(key).startsWith("ath_");

        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/v1/analyses"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"eval(x)\",\"analysisType\":\"security\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    @Test
    void shouldListRotateAndRevokeKeys() throws Exception {
        String client = "cli-rotate-" + UUID.randomUUID().toString().substring(0, 8);
        var created = new ByteArrayOutputStream();
        athena(created, ADMIN_KEY, "keys", "create", "--client", client, "--scopes", "read", "--expires-in", "30d",
                "--url", url);
        String oldKey = created.toString(StandardCharsets.UTF_8).strip();
        assertThat(status(oldKey)).isEqualTo(404);

        var listed = new ByteArrayOutputStream();
        assertThat(athena(listed, ADMIN_KEY, "keys", "list", "--client", client, "--url", url)).isZero();
        String[] lines = listed.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[0].split("  +")).containsExactly("KEY ID", "CLIENT", "SCOPES", "HINT", "STATE", "CREATED",
                "EXPIRES", "LAST USED");
        String[] old = lines[1].split(" +");
        assertThat(lines).hasSize(2);
        assertThat(old[1]).isEqualTo(client);
        assertThat(old[4]).isEqualTo("active");
        assertThat(old[6]).as("expires").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(old[7]).as("last used").isNotEqualTo("-");
        assertThat(listed.toString(StandardCharsets.UTF_8)).doesNotContain(oldKey);
        String oldId = old[0];

        var rotated = new ByteArrayOutputStream();
        assertThat(athena(rotated, ADMIN_KEY, "keys", "rotate", oldId, "--grace", "0s", "--url", url)).isZero();
        String newKey = rotated.toString(StandardCharsets.UTF_8).strip();
        assertThat(newKey).startsWith("ath_").isNotEqualTo(oldKey);
        assertThat(status(newKey)).isEqualTo(404);
        assertThat(status(oldKey)).isEqualTo(401);

        var json = new ByteArrayOutputStream();
        athena(json, ADMIN_KEY, "keys", "list", "--client", client, "--json", "--url", url);
        var keys = dev.athena.schemas.json.Json.tree(json.toByteArray()).get("keys");
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0).get("state").asString()).isEqualTo("expired");
        String newId = keys.get(1).get("keyId").asString();
        assertThat(keys.get(1).get("state").asString()).isEqualTo("active");

        var revoked = new ByteArrayOutputStream();
        assertThat(athena(revoked, ADMIN_KEY, "keys", "revoke", newId, "--url", url)).isZero();
        assertThat(revoked.toString(StandardCharsets.UTF_8)).contains("key " + newId + " revoked");
        assertThat(status(newKey)).isEqualTo(401);
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), ADMIN_KEY, "keys", "revoke", newId, "--url",
                url)).isInstanceOf(IOException.class).hasMessageContaining("404");
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), ADMIN_KEY, "keys", "rotate", oldId, "--grace",
                "90d", "--url", url)).isInstanceOf(IOException.class).hasMessageContaining("422")
                .hasMessageContaining("'grace'");
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), ADMIN_KEY, "keys", "rotate", "--url", url))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("one KEY_ID");
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), ADMIN_KEY, "keys", "revoke", "../admin",
                "--url", url)).isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("not a key id");
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), ADMIN_KEY, "keys", "delete", "--url", url))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("create, list, revoke");
    }

    @Test
    void shouldShowProviderHealthAndTheAuditLog() throws Exception {
        // the workers publish their providers' health every 2 s: wait for the builtin analyser's line
        String table = "";
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!table.contains("\nbuiltin ") && System.nanoTime() < deadline) {
            var printed = new ByteArrayOutputStream();
            assertThat(athena(printed, ADMIN_KEY, "providers", "--url", url)).isZero();
            table = printed.toString(StandardCharsets.UTF_8);
            Thread.sleep(200);
        }
        String[] lines = table.split("\n");
        assertThat(lines[0]).startsWith("athena: provider health at ").contains(" stale, ");
        assertThat(lines[1].split("  +")).startsWith("PROVIDER", "MODELS", "BREAKER", "PAUSED UNTIL", "PRIORITY");
        String builtin = java.util.Arrays.stream(lines).filter(l -> l.startsWith("builtin ")).findFirst()
                .orElseThrow(() -> new AssertionError("no builtin line in\n" + String.join("\n", lines)));
        assertThat(builtin.split(" +")).as("no breaker, bulkhead or limiter").startsWith("builtin", "rules-1", "-",
                "-");
        var json = new ByteArrayOutputStream();
        athena(json, ADMIN_KEY, "providers", "--json", "--url", url);
        assertThat(json.toString(StandardCharsets.UTF_8)).contains("\"provider\":\"builtin\"");

        String client = "cli-audit-" + UUID.randomUUID().toString().substring(0, 8);
        athena(new ByteArrayOutputStream(), ADMIN_KEY, "keys", "create", "--client", client, "--url", url);
        var audit = new ByteArrayOutputStream();
        assertThat(athena(audit, ADMIN_KEY, "audit", "--limit", "1000", "--url", url)).isZero();
        String log = audit.toString(StandardCharsets.UTF_8);
        assertThat(log.split("\n")[0].split("  +")).containsExactly("TIME", "EVENT", "ACTOR", "FROM", "DETAIL");
        assertThat(log).contains("key.created").contains("client=" + client);
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), ADMIN_KEY, "audit", "--limit", "5000", "--url",
                url)).isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("1 to 1000");
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), ADMIN_KEY, "audit", "--limit", "many", "--url",
                url)).isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("but was many");
    }

    @Test
    void shouldListTheLatestDeadLettersWithTheirReasonAndOwner() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String client = "cli-dlq-" + run;
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        KafkaProbe kafka = new KafkaProbe(bootstrap);
        kafka.produceRaw("dlq-broken-" + run, ("{\"clientId\":\"" + client + "\", broken").getBytes(
                StandardCharsets.UTF_8));
        kafka.produceRaw("dlq-nocode-" + run, ("{\"schemaVersion\":1,\"requestId\":\"dlq-nocode-" + run
                + "\",\"clientId\":\"" + client + "\",\"analysisType\":\"security\"}")
                .getBytes(StandardCharsets.UTF_8));

        String json = "";
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!(json.contains("dlq-broken-" + run) && json.contains("dlq-nocode-" + run))
                && System.nanoTime() < deadline) {
            var printed = new ByteArrayOutputStream();
            assertThat(athena(printed, ADMIN_KEY, "dlq", "--kafka", bootstrap, "--limit", "1000", "--json")).isZero();
            json = printed.toString(StandardCharsets.UTF_8);
            Thread.sleep(200);
        }
        var entries = dev.athena.schemas.json.Json.tree(json.getBytes(StandardCharsets.UTF_8));
        var missing = entries.valueStream().filter(e -> ("dlq-nocode-" + run).equals(e.path("key").asString()))
                .findFirst().orElseThrow(() -> new AssertionError("no dead letter of ours in " + entries));
        assertThat(missing.get("code").asString()).isEqualTo("MISSING_FIELD");
        assertThat(missing.get("message").asString()).contains("'code'");
        assertThat(missing.get("clientId").asString()).isEqualTo(client);
        assertThat(missing.get("requestId").asString()).isEqualTo("dlq-nocode-" + run);
        assertThat(missing.get("source").asString()).startsWith("athena.requests-").contains("@");
        var broken = entries.valueStream().filter(e -> ("dlq-broken-" + run).equals(e.path("key").asString()))
                .findFirst().orElseThrow();
        assertThat(broken.get("code").asString()).isEqualTo("INVALID_JSON");
        assertThat(broken.get("requestId").isNull()).as("nothing readable in it").isTrue();

        var table = new ByteArrayOutputStream();
        assertThat(athena(table, ADMIN_KEY, "dlq", "--kafka", bootstrap, "--limit", "1000")).isZero();
        String[] lines = table.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[0].split("  +")).containsExactly("TIME", "CODE", "SOURCE", "CLIENT", "REQUEST", "MESSAGE");
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("MISSING_FIELD").contains(client)
                .contains("dlq-nocode-" + run));
        var one = new ByteArrayOutputStream();
        athena(one, ADMIN_KEY, "dlq", "--kafka", bootstrap, "--limit", "1", "--json");
        assertThat(dev.athena.schemas.json.Json.tree(one.toByteArray()).size()).as("--limit").isEqualTo(1);
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), ADMIN_KEY, "dlq", "--limit", "0"))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("1 to 1000 but was 0");
    }

    /** The status of a read with the key: 404 for an unknown analysis is a key that works. */
    private int status(String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/v1/analyses/"
                + UUID.randomUUID())).header("Authorization", "Bearer " + key).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void shouldBroadcastAnInvalidationToTheRunningSplitter() throws Exception {
        var printed = new ByteArrayOutputStream();
        int code = athena(printed, ADMIN_KEY, "cache", "invalidate", "--tag", "type:security", "--url", url);
        assertThat(code).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("(tag) sent to").doesNotContain("sent to 0 ");
    }

    @Test
    void shouldRefuseAWrongAdminKeyWithoutPrintingIt() {
        String wrong = "wrong-" + UUID.randomUUID() + "-0123456789";
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), wrong, "cache", "invalidate", "--all",
                "--url", url)).isInstanceOf(IOException.class).hasMessageContaining("401")
                .hasMessageContaining("takes the ATHENA_ADMIN_KEY it was started with")
                .hasMessageNotContaining(wrong);
    }

    @Test
    void shouldAskForExactlyOneSelector() {
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), ADMIN_KEY, "cache", "invalidate", "--all",
                "--tag", "type:security", "--url", url)).isInstanceOf(CommandLine.UsageException.class)
                .hasMessageContaining("exactly one");
    }

    @Test
    void shouldPrintWhatAClientsAnswersCameTo() throws Exception {
        String client = "cli-usage-" + UUID.randomUUID().toString().substring(0, 8);
        var created = new ByteArrayOutputStream();
        athena(created, ADMIN_KEY, "keys", "create", "--client", client, "--scopes", "submit,read", "--url", url);
        String key = created.toString(StandardCharsets.UTF_8).strip();
        var http = HttpClient.newHttpClient();
        var submitted = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/analyses"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"eval(x)  # " + client
                        + "\",\"analysisType\":\"security\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);

        // code of its own, so no cached answer; the splitter writes the ledger after it delivers the result: wait
        // for the row, not a fixed time
        String json = "";
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (!json.contains("\"requests\":1") && System.nanoTime() < deadline) {
            var printed = new ByteArrayOutputStream();
            athena(printed, ADMIN_KEY, "usage", "--client", client, "--json", "--url", url);
            json = printed.toString(StandardCharsets.UTF_8);
            Thread.sleep(200);
        }
        var table = new ByteArrayOutputStream();
        int code = athena(table, ADMIN_KEY, "usage", "--client", client, "--url", url);

        assertThat(json).contains("\"clientId\":\"" + client + "\"").contains("\"requests\":1")
                .contains("\"providerCalls\":1");
        assertThat(code).isZero();
        String[] lines = table.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[0]).startsWith("athena: usage of " + client + ", ").endsWith(" (UTC days)");
        assertThat(lines[1].split(" +")).containsExactly("DAY", "CLIENT", "PROVIDER", "MODEL", "REQUESTS", "CALLS",
                "CACHED", "SHARED", "INPUT", "OUTPUT", "COST", "USD");
        String day = dev.athena.schemas.json.Json.tree(json.getBytes(StandardCharsets.UTF_8)).get("days").get(0)
                .get("day").asString();
        assertThat(day).as("the day the result was completed").isIn(
                java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(),
                java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString());
        assertThat(lines[2].split(" +")).containsExactly(day, client, "builtin", "rules-1", "1", "1", "0", "0", "0",
                "0", "0");
        assertThat(lines[3].split(" +")).containsExactly("TOTAL", "1", "1", "0", "0", "0", "0", "0");
    }

    @Test
    void shouldPassOnWhatTheGatewaySaysIsWrongWithAPeriod() {
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), ADMIN_KEY, "usage", "--from", "yesterday",
                "--url", url)).isInstanceOf(IOException.class)
                .hasMessage("gateway answered 422: parameter 'from' must be a date as YYYY-MM-DD (9 characters given)");
    }

    private static int athena(ByteArrayOutputStream out, String adminKey, String... args) throws Exception {
        return new Athena(new PrintStream(out, true, StandardCharsets.UTF_8), Map.of("ATHENA_ADMIN_KEY", adminKey))
                .run(args);
    }
}

package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import dev.athena.ingest.gateway.auth.ApiKeyFormat;
import dev.athena.schemas.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Plants canary keys (the bootstrap admin key and issued keys), uses them rightly and wrongly on every path, and
 * checks that none of them appears in any log line, console output, response body or metric.
 */
@Tag("integration")
class CanaryIT {
    @Test
    void shouldNeverRevealPlantedKeys() throws Exception {
        String adminCanary = "CANARY-ADMIN-" + UUID.randomUUID() + "-" + UUID.randomUUID();
        List<String> logs = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                logs.add(event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                        : ThrowableProxyUtil.asString(event.getThrowableProxy())));
            }
        };
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.start();
        root.addAppender(appender);
        Map<String, ch.qos.logback.classic.Level> louder = Map.of("dev.athena.ingest.gateway",
                ch.qos.logback.classic.Level.DEBUG, "org.springframework", ch.qos.logback.classic.Level.INFO,
                "org.apache.catalina", ch.qos.logback.classic.Level.INFO, "org.apache.tomcat",
                ch.qos.logback.classic.Level.INFO);
        Map<String, ch.qos.logback.classic.Level> before = new java.util.HashMap<>();
        louder.forEach((name, level) -> {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            before.put(name, logger.getLevel());
            logger.setLevel(level);
        });
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(out, console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err, console), true, StandardCharsets.UTF_8));
        List<String> bodies = new ArrayList<>();
        List<String> canaries = new ArrayList<>();
        canaries.add(adminCanary);
        try (Gateway gateway = TestStack.start(TestStack.settings().withAdminKey(adminCanary))) {
            GatewayClient http = new GatewayClient(gateway.port());
            String clientId = TestStack.client();
            HttpResponse<String> created = http.post("/v1/admin/keys", adminCanary,
                    Json.writeString(Map.of("clientId", clientId, "scopes", List.of("read"))));
            assertThat(created.statusCode()).isEqualTo(201);
            String readKey = Json.tree(created.body().getBytes(StandardCharsets.UTF_8)).get("key").stringValue();
            canaries.add(readKey);
            String unknown = new ApiKeyFormat(new SecureRandom()).generate();
            canaries.add(unknown);
            String typo = readKey.substring(0, 20) + (readKey.charAt(20) == 'A' ? 'B' : 'A') + readKey.substring(21);
            canaries.add(typo);

            List<HttpResponse<String>> responses = new ArrayList<>();
            responses.add(http.post("/v1/analyses", readKey, GatewayIT.analysis("security")));
            responses.add(http.get("/v1/admin/keys", readKey));
            responses.add(http.get("/v1/analyses/x", unknown));
            responses.add(http.get("/v1/analyses/x", typo));
            responses.add(http.get("/v1/analyses/x", readKey + "0"));
            responses.add(http.get("/v1/analyses/" + readKey, readKey));
            responses.add(http.get("/v1/analyses/x", adminCanary));
            responses.add(http.get("/v1/analyses/x", adminCanary.substring(1)));
            responses.add(http.send(http.builder("/v1/analyses/x", null).header("Authorization", "Basic " + readKey)
                    .GET().build()));
            responses.add(http.send(http.builder("/v1/analyses/x", null).header("Authorization", readKey)
                    .GET().build()));
            responses.add(http.get("/v1/analyses/x?wait=" + readKey, readKey));
            responses.add(http.post("/v1/analyses", adminCanary, GatewayIT.analysis("security"),
                    "Idempotency-Key", "x".repeat(300)));
            responses.add(http.get("/v1/admin/keys?clientId=" + clientId, adminCanary));
            responses.add(http.get("/v1/admin/audit?limit=1000", adminCanary));
            String keyId = Json.tree(created.body().getBytes(StandardCharsets.UTF_8)).get("keyId").stringValue();
            responses.add(http.delete("/v1/admin/keys/" + keyId, adminCanary));
            responses.add(http.get("/v1/analyses/x", readKey));
            responses.add(http.get("/metrics", null));
            var socket = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + typo)
                    .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/stream"),
                            StreamingIT.collector(new java.util.concurrent.LinkedBlockingQueue<>()));
            assertThat(socket).failsWithin(20, TimeUnit.SECONDS);
            for (HttpResponse<String> r : responses) {
                bodies.add(r.statusCode() + " " + r.headers().map() + " " + r.body());
            }
            assertThat(responses.get(0).statusCode()).isEqualTo(403);
            assertThat(responses.get(2).statusCode()).isEqualTo(401);
            assertThat(responses.get(15).statusCode()).isEqualTo(401);
            assertThat(responses.get(13).body()).contains("auth.failed");
        } finally {
            root.detachAppender(appender);
            before.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(logs).as("something was logged").isNotEmpty();
        String everything = String.join("\n", logs) + "\n" + console.toString(StandardCharsets.UTF_8) + "\n"
                + String.join("\n", bodies);
        for (String canary : canaries) {
            assertThat(everything).doesNotContain(canary);
            assertThat(everything).doesNotContain(canary.substring(4, 30));
        }
    }

    /** Writes to the real stream and keeps a copy. */
    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        Tee(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            synchronized (b) {
                b.write(c);
            }
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            synchronized (b) {
                b.write(bytes, off, len);
            }
        }
    }
}

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

/** {@code ./athena keys create} and {@code ./athena cache invalidate} against a running gateway and splitter. */
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
                .hasMessageNotContaining(wrong);
    }

    @Test
    void shouldAskForExactlyOneSelector() {
        assertThatThrownBy(() -> athena(new ByteArrayOutputStream(), ADMIN_KEY, "cache", "invalidate", "--all",
                "--tag", "type:security", "--url", url)).isInstanceOf(CommandLine.UsageException.class)
                .hasMessageContaining("exactly one");
    }

    private static int athena(ByteArrayOutputStream out, String adminKey, String... args) throws Exception {
        return new Athena(new PrintStream(out, true, StandardCharsets.UTF_8), Map.of("ATHENA_ADMIN_KEY", adminKey))
                .run(args);
    }
}

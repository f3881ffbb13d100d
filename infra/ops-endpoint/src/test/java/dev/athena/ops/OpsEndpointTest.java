package dev.athena.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Both paths, the errors it answers with, and what a service is told when it cannot serve. */
class OpsEndpointTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<Health> health = new AtomicReference<>(Health.up(Map.of("loop", "RUNNING")));
    private final OpsEndpoint endpoint = OpsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), registry,
            health::get, "test");
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        endpoint.close();
        http.close();
    }

    @Test
    void shouldServeTheRegistryInPrometheusTextFormat() throws Exception {
        Counter.builder("athena.collector.requests").tag("outcome", "accepted").register(registry).increment(3);

        HttpResponse<String> metrics = get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(metrics.body()).contains("athena_collector_requests_total{outcome=\"accepted\"} 3.0");
    }

    @Test
    void shouldAnswerUpWith200AndDownWith503AndTheDetailsAsJson() throws Exception {
        assertThat(get("/health")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(r.body()).isEqualTo("{\"status\":\"UP\",\"loop\":\"RUNNING\"}\n");
        });
        health.set(Health.down(Map.of("loop", "STOPPED", "reason", "fenced: \"worker-1\"\n")));
        assertThat(get("/health")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("{\"status\":\"DOWN\",\"loop\":\"STOPPED\","
                    + "\"reason\":\"fenced: \\\"worker-1\\\"\\u000a\"}\n");
        });
    }

    @Test
    void shouldAnswerOtherPathsAndMethodsWithWhatIsWrong() throws Exception {
        HttpResponse<String> unknown = get("/actuator");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("/actuator", "/metrics", "/health");

        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(post.body()).contains("POST");
    }

    @Test
    void shouldAnswerWithTheFailureWhenTheStateCannotBeRead() throws Exception {
        try (var broken = OpsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), registry, () -> {
            throw new IllegalStateException("streams gone");
        }, "test")) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + broken.port() + "/health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(500);
            assertThat(health.body()).contains("/health", "streams gone");
        }
    }

    @Test
    void shouldSayWhereItCouldNotServe() {
        InetSocketAddress taken = new InetSocketAddress("127.0.0.1", endpoint.port());
        assertThatThrownBy(() -> OpsEndpoint.start(taken, registry, health::get, "test"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot serve metrics and health on 127.0.0.1:" + endpoint.port());
    }

    @Test
    void shouldTellAServiceWhichVariablesToChangeWhenItsPortIsTaken() {
        OpsAddress where = new OpsAddress("ATHENA_TEST_OPS_PORT", "ATHENA_TEST_OPS_HOST", endpoint.port());

        assertThatThrownBy(() -> OpsEndpoint.serve(where, Map.of(), registry, health::get, "test"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot serve metrics and health on 127.0.0.1:" + endpoint.port())
                .hasMessageContaining("set ATHENA_TEST_OPS_PORT to a free port (0 picks one) or to off, or "
                        + "ATHENA_TEST_OPS_HOST to an address of this machine");
        assertThat(OpsEndpoint.serve(where, Map.of("ATHENA_TEST_OPS_PORT", "off"), registry, health::get, "test"))
                .isEmpty();
    }

    @Test
    void shouldAnswerForAServiceStillStartingAndCloseWhenItsStartFails() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        OpsAddress where = new OpsAddress("ATHENA_TEST_OPS_PORT", "ATHENA_TEST_OPS_HOST", port);
        Function<String, Health> health = state -> state == null ? Health.down(Map.of("test", "STARTING"))
                : Health.up(Map.of("test", state));
        List<String> whileStarting = new ArrayList<>();

        var served = OpsEndpoint.serveThenStart(where, Map.of(), registry, health, "test", () -> {
            whileStarting.add(get(port, "/health").body());
            return "RUNNING";
        });

        try (OpsEndpoint endpoint = served.endpoint().orElseThrow()) {
            assertThat(whileStarting).containsExactly("{\"status\":\"DOWN\",\"test\":\"STARTING\"}\n");
            assertThat(served.service()).isEqualTo("RUNNING");
            assertThat(get(endpoint.port(), "/health").statusCode()).isEqualTo(200);
        }
        assertThatThrownBy(() -> OpsEndpoint.serveThenStart(where, Map.of(), registry, health, "test", () -> {
            throw new IllegalStateException("no broker");
        })).hasMessage("no broker");
        try (OpsEndpoint again = OpsEndpoint.start(new InetSocketAddress("127.0.0.1", port), registry,
                () -> health.apply(null), "test")) {
            assertThat(again.port()).as("the failed start let its port go").isEqualTo(port);
        }
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String path) {
        return get(endpoint.port(), path);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + endpoint.port() + path);
    }
}

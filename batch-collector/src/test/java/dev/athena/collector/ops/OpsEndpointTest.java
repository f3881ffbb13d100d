package dev.athena.collector.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpsEndpointTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.RUNNING);
    private final OpsEndpoint endpoint = OpsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), registry,
            state::get);
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
    void shouldBeHealthyWhileRunningOrRebalancingAndNotOnceStreamsFailedOrStopped() throws Exception {
        assertThat(get("/health")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"status\":\"UP\"", "\"streams\":\"RUNNING\"");
        });
        state.set(KafkaStreams.State.REBALANCING);
        assertThat(get("/health").statusCode()).isEqualTo(200);
        state.set(KafkaStreams.State.ERROR);
        assertThat(get("/health")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("\"status\":\"DOWN\"", "\"streams\":\"ERROR\"");
        });
        state.set(KafkaStreams.State.NOT_RUNNING);
        assertThat(get("/health").statusCode()).isEqualTo(503);
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
        })) {
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
        assertThatThrownBy(() -> OpsEndpoint.start(taken, registry, state::get))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot serve metrics and health on 127.0.0.1:" + endpoint.port());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + endpoint.port() + path);
    }
}

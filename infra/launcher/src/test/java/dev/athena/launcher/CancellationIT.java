package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ingest.gateway.Gateway;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request cancelled through the gateway while it waits in the collector for its client's rate ends CANCELLED,
 * and no provider is asked for it; the request before it, already on its way, is answered as usual.
 */
@Tag("integration")
class CancellationIT {
    private static final String ADMIN_KEY = "admin-" + UUID.randomUUID() + "-0123456789";

    @Test
    void shouldEndACancelledRequestCancelledAndTheOthersAsUsual(@TempDir Path state) throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String client = "team-cancel-" + run;
        // one item a second for the client, a burst of one: the second request waits in the collector
        Map<String, String> env = Map.of("ATHENA_CLIENT_QUOTAS", client + "=1", "ATHENA_CLIENT_QUOTA_BURST", "1");
        try (PipelineServices ignored = PipelineServices.start(endpoints, state, new SimpleMeterRegistry(), env);
                Gateway gateway = Gateway.start(EmbeddedPipeline.gatewaySettings(endpoints, 0,
                        Map.of("ATHENA_ADMIN_KEY", ADMIN_KEY)), new SimpleMeterRegistry())) {
            String url = "http://127.0.0.1:" + gateway.port();
            String key = new AdminApi(url, ADMIN_KEY).createKey(client, new String[] {"submit", "read"}).get("key")
                    .asString();
            KafkaProbe kafka = new KafkaProbe(endpoints.kafkaBootstrap());
            List<String> ids = onOnePartition(endpoints, run);
            kafka.produceRaw(ids.get(0), request(ids.get(0), client, "eval(first_input)  # " + run));
            kafka.produceRaw(ids.get(1), request(ids.get(1), client, "eval(second_input)  # " + run));

            HttpResponse<String> cancel = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/v1/analyses/" + ids.get(1))).header("Authorization", "Bearer " + key)
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);

            List<AnalysisResult> results = kafka.readResults(client, 2, Duration.ofSeconds(60), Duration.ofSeconds(2));
            assertThat(results).as("exactly one result each").extracting(AnalysisResult::requestId)
                    .containsExactlyInAnyOrderElementsOf(ids);
            AnalysisResult first = results.stream().filter(r -> r.requestId().equals(ids.get(0))).findFirst()
                    .orElseThrow();
            AnalysisResult second = results.stream().filter(r -> r.requestId().equals(ids.get(1))).findFirst()
                    .orElseThrow();
            assertThat(first.status()).isEqualTo(ResultStatus.COMPLETED);
            assertThat(second.status()).isEqualTo(ResultStatus.CANCELLED);
            assertThat(second.error().code()).isEqualTo("CANCELLED");
            assertThat(second.servedBy()).as("no provider was asked").isNull();
            assertThat(second.findings()).isEmpty();

            HttpResponse<String> read = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/v1/analyses/" + ids.get(1) + "?wait=30s"))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(Json.read(read.body().getBytes(StandardCharsets.UTF_8), AnalysisResult.class).status())
                    .isEqualTo(ResultStatus.CANCELLED);
            HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/v1/analyses/" + ids.get(1))).header("Authorization", "Bearer " + key)
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
            assertThat(again.body()).contains("has already ended (CANCELLED)");
        }
    }

    /** Two request ids on one partition of the requests topic, so they share the task that holds the rate. */
    private static List<String> onOnePartition(Endpoints endpoints, String run) throws Exception {
        int partitions;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()))) {
            partitions = admin.describeTopics(List.of(Topics.REQUESTS)).allTopicNames().get().get(Topics.REQUESTS)
                    .partitions().size();
        }
        String first = "req-" + run + "-0";
        for (int i = 1; ; i++) {
            String other = "req-" + run + "-" + i;
            if (RequestPartitions.of(first, partitions) == RequestPartitions.of(other, partitions)) {
                return List.of(first, other);
            }
        }
    }

    private static byte[] request(String requestId, String clientId, String code) {
        return """
                {"schemaVersion": 1, "requestId": "%s", "clientId": "%s", "analysisType": "security",
                 "language": "python", "path": "app/%s.py", "code": %s, "lane": "interactive"}"""
                .formatted(requestId, clientId, requestId, Json.writeString(code)).getBytes(StandardCharsets.UTF_8);
    }
}

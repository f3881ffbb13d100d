package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ingest.client.KafkaAthenaClient;
import dev.athena.ingest.gateway.Gateway;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request cancelled (through the gateway, or over Kafka) while it waits in the collector for its client's rate
 * ends CANCELLED, and no provider is asked for it; the request before it, already on its way, is answered as usual.
 */
@Tag("integration")
class CancellationIT {
    private static final String ADMIN_KEY = "admin-" + UUID.randomUUID() + "-0123456789";

    @Test
    void shouldEndACancelledRequestCancelledAndTheOthersAsUsual(@TempDir Path state) throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String client = "team-cancel-" + run;
        try (PipelineServices ignored = pipelineRatingOneRequestASecond(endpoints, state, client);
                Gateway gateway = Gateway.start(EmbeddedPipeline.gatewaySettings(endpoints, 0,
                        Map.of("ATHENA_ADMIN_KEY", ADMIN_KEY)), new SimpleMeterRegistry())) {
            String url = "http://127.0.0.1:" + gateway.port();
            String key = new AdminApi(url, ADMIN_KEY).createKey(client, new String[] {"submit", "read"}, null)
                    .get("key").asString();
            KafkaProbe kafka = new KafkaProbe(endpoints.kafkaBootstrap());
            List<String> ids = RawRequests.twoIds(endpoints, run, true);
            kafka.produceRaw(ids.get(0), RawRequests.json(ids.get(0), client, ids.get(0),
                    "eval(first_input)  # " + run));
            kafka.produceRaw(ids.get(1), RawRequests.json(ids.get(1), client, ids.get(1),
                    "eval(second_input)  # " + run));

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

    /**
     * The same over Kafka alone, as a team without the gateway does it: the Java client's {@code cancel} writes to
     * {@code athena.cancellations}, the workers record it, and the waiting request's future completes CANCELLED.
     */
    @Test
    void shouldCancelOverKafkaWithoutTheGateway(@TempDir Path state) throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String client = "team-kcancel-" + run;
        List<AnalysisRequest> requests = onePartition(endpoints, client, run);
        try (PipelineServices ignored = pipelineRatingOneRequestASecond(endpoints, state, client);
                KafkaAthenaClient athena = KafkaAthenaClient.connect(endpoints.kafkaBootstrap(), client)) {
            CompletableFuture<AnalysisResult> first = athena.submit(requests.get(0));
            CompletableFuture<AnalysisResult> second = athena.submit(requests.get(1));

            assertThat(athena.cancel(requests.get(1).requestId()).get(30, TimeUnit.SECONDS)).isTrue();

            assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(ResultStatus.COMPLETED);
            AnalysisResult cancelled = second.get(60, TimeUnit.SECONDS);
            assertThat(cancelled.status()).isEqualTo(ResultStatus.CANCELLED);
            assertThat(cancelled.error().code()).isEqualTo("CANCELLED");
            assertThat(cancelled.servedBy()).as("no provider was asked").isNull();
            assertThat(athena.cancel(requests.get(1).requestId())).as("nothing of that id waits any more")
                    .failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                    .withCauseInstanceOf(IllegalArgumentException.class);
        }
    }

    /** {@code ./athena cancel}, for requests any Kafka producer sent, by their ids. */
    @Test
    void shouldCancelFromTheCommandLine(@TempDir Path state) throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String client = "team-clicancel-" + run;
        try (PipelineServices ignored = pipelineRatingOneRequestASecond(endpoints, state, client)) {
            KafkaProbe kafka = new KafkaProbe(endpoints.kafkaBootstrap());
            List<String> ids = RawRequests.twoIds(endpoints, run, true);
            kafka.produceRaw(ids.get(0), RawRequests.json(ids.get(0), client, ids.get(0), "eval(a)  # " + run));
            kafka.produceRaw(ids.get(1), RawRequests.json(ids.get(1), client, ids.get(1), "eval(b)  # " + run));

            var printed = new java.io.ByteArrayOutputStream();
            int code = new Athena(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8), Map.of())
                    .run(new String[] {"cancel", ids.get(1), "--client", client, "--kafka",
                            endpoints.kafkaBootstrap()});
            assertThat(code).isZero();
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("asked to cancel " + ids.get(1));

            List<AnalysisResult> results = kafka.readResults(client, 2, Duration.ofSeconds(60), Duration.ofSeconds(2));
            assertThat(results).extracting(AnalysisResult::requestId).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(results).filteredOn(r -> r.requestId().equals(ids.get(1))).singleElement()
                    .extracting(AnalysisResult::status).isEqualTo(ResultStatus.CANCELLED);
            assertThat(results).filteredOn(r -> r.requestId().equals(ids.get(0))).singleElement()
                    .extracting(AnalysisResult::status).isEqualTo(ResultStatus.COMPLETED);
        }
        Athena cli = new Athena(new java.io.PrintStream(new java.io.ByteArrayOutputStream()), Map.of());
        assertThatThrownBy(() -> cli.run(new String[] {"cancel", "r-1"})).isInstanceOf(CommandLine.UsageException.class)
                .hasMessageContaining("--client");
        assertThatThrownBy(() -> cli.run(new String[] {"cancel", "r 1", "--client", client}))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("but was r 1");
        assertThatThrownBy(() -> cli.run(new String[] {"cancel", "--client", client}))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("REQUEST_ID");
    }

    /** One item a second for {@code client}, a burst of one: its second request waits in the collector. */
    private static PipelineServices pipelineRatingOneRequestASecond(Endpoints endpoints, Path state, String client) {
        return PipelineServices.start(endpoints, state, new SimpleMeterRegistry(),
                Map.of("ATHENA_CLIENT_QUOTAS", client + "=1", "ATHENA_CLIENT_QUOTA_BURST", "1"));
    }

    /** Two requests of the client whose cache keys fall on one partition, so the second waits for the rate. */
    private static List<AnalysisRequest> onePartition(Endpoints endpoints, String client, String run)
            throws Exception {
        int partitions;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()))) {
            partitions = admin.describeTopics(List.of(Topics.REQUESTS)).allTopicNames().get().get(Topics.REQUESTS)
                    .partitions().size();
        }
        AnalysisRequest first = request(client, "kc-" + run + "-0", "eval(first_input)  # " + run);
        for (int i = 1; ; i++) {
            AnalysisRequest other = request(client, "kc-" + run + "-" + i, "eval(input_" + i + ")  # " + run);
            if (RequestPartitions.of(first, partitions) == RequestPartitions.of(other, partitions)) {
                return List.of(first, other);
            }
        }
    }

    private static AnalysisRequest request(String client, String requestId, String code) {
        return new AnalysisRequest(SchemaVersion.CURRENT, requestId, client, AnalysisType.SECURITY, "python",
                "app/" + requestId + ".py", code, null, null, Lane.INTERACTIVE, null, null, null, null, null);
    }
}

package dev.athena.collector;

import static dev.athena.collector.TestRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.collector.admission.ClientAllowlist;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientAuthorisationTopologyTest {
    @TempDir
    Path stateDir;
    private TopologyFixture f;

    private void start(ClientAllowlist allowlist) {
        f = new TopologyFixture(new CollectorSettings("127.0.0.1:1", "collector-auth-test", stateDir,
                Duration.ofMillis(100), Duration.ofMillis(100), 32, 100_000, 1024, Duration.ofMillis(50))
                .withAllowedClients(allowlist));
    }

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void shouldAllowEveryClientWhenNoAllowlistIsSet() {
        start(ClientAllowlist.parse(null));
        f.send("open-1", request("open-1", "anyone", "print(1)"));
        f.advance(100);
        assertThat(batchedRequestIds()).containsExactly("open-1");
        assertThat(f.deadLetters.isEmpty()).isTrue();
        assertThat(f.results.isEmpty()).isTrue();
    }

    @Test
    void shouldBatchRequestOfClientListedByExactId() {
        start(ClientAllowlist.parse("team-a, team-b"));
        f.send("ok-1", request("ok-1", "team-a", "print(1)"));
        f.send("ok-2", request("ok-2", "team-b", "print(2)"));
        f.advance(100);
        assertThat(batchedRequestIds()).containsExactlyInAnyOrder("ok-1", "ok-2");
        assertThat(f.deadLetters.isEmpty()).isTrue();
        assertThat(f.results.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterAndRejectOnceClientNotOnTheList() {
        start(ClientAllowlist.parse("team-a"));
        byte[] body = request("no-1", "team-ab", "print(1)");
        f.send("no-1", body);
        f.send("no-1", body); // the client retries
        f.advance(100);

        List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2).allSatisfy(record -> {
            assertThat(record.value()).isEqualTo(body);
            assertThat(header(record, DeadLetterHeaders.ERROR_CODE)).isEqualTo("UNAUTHORISED_CLIENT");
            assertThat(header(record, DeadLetterHeaders.ERROR_MESSAGE)).contains("team-ab");
        });
        List<BatchResult> results = f.results.readValuesToList();
        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.batchId()).isEqualTo("reject-no-1");
            ItemResult item = result.items().get(0);
            assertThat(item.status()).isEqualTo(ResultStatus.REJECTED);
            assertThat(item.error().code()).isEqualTo("UNAUTHORISED_CLIENT");
            assertThat(item.error().message()).contains("'team-ab'");
            assertThat(item.requesters()).singleElement().satisfies(r -> {
                assertThat(r.requestId()).isEqualTo("no-1");
                assertThat(r.clientId()).isEqualTo("team-ab");
            });
        });
        assertThat(f.batches.isEmpty()).isTrue();
        assertThat(f.registry.get("athena.collector.rejections").tag("reason", "unauthorised_client").counter()
                .count()).isEqualTo(2.0);
    }

    @Test
    void shouldAllowClientsMatchingPrefixGlobOnly() {
        start(ClientAllowlist.parse("ci-*,team-a"));
        f.send("g-1", request("g-1", "ci-build-7", "print(1)"));
        f.send("g-2", request("g-2", "ci-", "print(2)"));
        f.send("g-3", request("g-3", "cd-build-7", "print(3)"));
        f.send("g-4", request("g-4", "xci-1", "print(4)"));
        f.advance(100);
        assertThat(batchedRequestIds()).containsExactlyInAnyOrder("g-1", "g-2");
        assertThat(f.results.readValuesToList()).extracting(r -> r.items().get(0).requesters().get(0).clientId())
                .containsExactly("cd-build-7", "xci-1");
    }

    @Test
    void shouldReadAllowlistFromCommaSeparatedText() {
        ClientAllowlist list = ClientAllowlist.parse(" team-a ,ci-*,, ");
        assertThat(list.entries()).containsExactly("team-a", "ci-*");
        assertThat(list.allows("team-a")).isTrue();
        assertThat(list.allows("ci-x")).isTrue();
        assertThat(list.allows("team-b")).isFalse();
        assertThat(ClientAllowlist.parse("*").allows("whoever")).isTrue();
        assertThat(ClientAllowlist.parse("  ").restricts()).isFalse();
        assertThatThrownBy(() -> ClientAllowlist.parse("team a")).hasMessageContaining("but was 'team a'");
        assertThatThrownBy(() -> ClientAllowlist.parse("*-suffix")).hasMessageContaining("'*-suffix'");
    }

    private List<String> batchedRequestIds() {
        return f.batches.readValuesToList().stream().map(AnalysisBatch::items).flatMap(List::stream)
                .flatMap(i -> i.requesters().stream()).map(r -> r.requestId()).toList();
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

package dev.athena.collector;

import static dev.athena.collector.TopologyFixture.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.DeadLetterHeaders;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The benchmark's input is what it claims: its bad requests are turned away for the reason each is named after. */
class BenchInputTest {
    @TempDir
    Path stateDir;
    private TopologyFixture f;

    @BeforeEach
    void start() {
        f = new TopologyFixture(new CollectorSettings("127.0.0.1:1", "collector-bench-input-test", stateDir,
                Duration.ofMillis(100), Duration.ofMillis(100), 32, 100_000, 1024, Duration.ofMillis(50)));
    }

    @AfterEach
    void close() {
        f.close();
    }

    @ParameterizedTest
    @EnumSource(BadRequest.class)
    void shouldBeTurnedAwayForTheReasonItIsNamedAfter(BadRequest kind) {
        f.send("bad-1", kind.body("bad-1", "client-1"));
        f.advance(100);

        var dead = f.deadLetters.readRecord();
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CODE)).isEqualTo(kind.name());
        assertThat(f.deadLetters.isEmpty()).isTrue();
        assertThat(f.batches.isEmpty()).isTrue();
        if (kind.clientReadable()) {
            BatchResult result = f.results.readValue();
            assertThat(result.items()).singleElement().satisfies(item -> {
                assertThat(item.status()).isEqualTo(ResultStatus.REJECTED);
                assertThat(item.error().code()).isEqualTo(kind.name());
                assertThat(item.requesters()).singleElement().satisfies(r -> {
                    assertThat(r.requestId()).isEqualTo("bad-1");
                    assertThat(r.clientId()).isEqualTo("client-1");
                });
            });
        }
        assertThat(f.results.isEmpty()).isTrue();
    }

    @Test
    void shouldMixOneBadRequestInEveryNAndBatchTheRest() {
        BenchInput input = BenchInput.generated(0).withBadOnes(10);
        for (int i = 0; i < 20; i++) {
            f.send(BenchInput.requestId(1, i), input.request(1, i));
        }
        f.advance(100);

        assertThat(input.badOnes(20)).isEqualTo(2);
        assertThat(f.deadLetters.readRecordsToList()).extracting(r -> new String(r.key()))
                .containsExactly(BenchInput.requestId(1, 1), BenchInput.requestId(1, 11));
        // two of the good ones ask what the one before them asked: 18 requesters in 16 items
        var items = f.batches.readValuesToList().stream().map(AnalysisBatch::items).flatMap(java.util.List::stream)
                .toList();
        assertThat(items).hasSize(16);
        assertThat(items.stream().mapToInt(item -> item.requesters().size()).sum()).isEqualTo(18);
    }

    @Test
    void shouldSendNoBadRequestUnlessAsked() {
        assertThat(BenchInput.generated(0).badOnes(1_000)).isZero();
        assertThat(BenchInput.generated(0).withBadOnes(1).badOnes(1_000)).isEqualTo(1_000);
    }

    @Test
    void shouldRefuseANegativeShareOfBadRequests() {
        assertThatThrownBy(() -> BenchInput.generated(0).withBadOnes(-3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bench.bad").hasMessageContaining("-3");
    }
}

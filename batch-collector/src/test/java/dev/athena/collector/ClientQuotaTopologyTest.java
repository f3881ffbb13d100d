package dev.athena.collector;

import static dev.athena.collector.TestRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.quota.ClientQuotas;
import dev.athena.collector.state.StoreKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientQuotaTopologyTest {
    @TempDir
    Path stateDir;
    private TopologyFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void shouldHoldBackClientOverItsRateWithoutDroppingOrStarvingOthers() {
        // 60 items/s over 6 input partitions: this single task lets team-a through at 10/s, 2 at once
        ClientQuotas quotas = new ClientQuotas(0, Map.of("team-a", 60.0), 2);
        f = new TopologyFixture(new CollectorSettings("127.0.0.1:1", "collector-quota-test", stateDir,
                Duration.ofMillis(100), Duration.ofMillis(100), 32, 100_000, 1024, Duration.ofMillis(50))
                .withQuotas(quotas));
        for (int i = 1; i <= 5; i++) {
            f.send("a-" + i, request("a-" + i, "team-a", "print(" + i + ")"));
        }
        f.send("b-1", request("b-1", "team-b", "print('b1')"));
        f.send("b-2", request("b-2", "team-b", "print('b2')"));
        f.advance(100);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId())
                .containsExactly("a-1", "b-1", "a-2", "b-2");
        assertThat(f.batches.isEmpty()).isTrue();

        f.send("c-1", request("c-1", "team-c", "print('c1')"));
        f.advance(20);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("c-1");

        f.advance(60);
        assertThat(f.batches.isEmpty()).as("team-a has 0.8 of an item after 80 ms").isTrue();
        f.advance(40);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("a-3");
        f.advance(200);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId())
                .containsExactly("a-4", "a-5");
        assertThat(f.metrics.openRecords()).isZero();
        assertThat(f.registry.get("athena.collector.quota.deferred").counter().count()).isPositive();
    }

    @Test
    void shouldHoldBackAClientOnTheBulkIntakeByItsOwnRatesOnly() {
        // 6 items/s over 6 partitions: this task lets team-a through at 1/s, 1 at once, on the bulk intake only
        ClientQuotas bulkRates = new ClientQuotas(0, Map.of("team-a", 6.0), 1);
        for (Intake intake : Intake.values()) {
            f = new TopologyFixture(new CollectorSettings("127.0.0.1:1", "collector-quota-test",
                    stateDir.resolve(intake.name()), Duration.ofMillis(100), Duration.ofMillis(100), 32, 100_000,
                    1024, Duration.ofMillis(50)).withBulkQuotas(bulkRates), CacheLookup.none(), StoreKind.PERSISTENT,
                    intake);
            for (int i = 1; i <= 3; i++) {
                f.send("a-" + i, request("a-" + i, "team-a", "print(" + i + ")"));
            }
            f.advance(100);

            assertThat(f.batches.readValue().items()).as(intake.topic()).extracting(i -> i.request().requestId())
                    .containsExactlyElementsOf(intake == Intake.BULK ? List.of("a-1") : List.of("a-1", "a-2", "a-3"));
            assertThat(f.batches.isEmpty()).as(intake.topic()).isTrue();
            assertThat(f.metrics.openRecords()).as(intake.topic()).isEqualTo(intake == Intake.BULK ? 2 : 0);
            f.close();
            f = null;
        }
    }

    @Test
    void shouldRejectNegativeRateNamingTheClient() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClientQuotas(0, Map.of("team-x", -1.0), 1))
                .hasMessage("rate of client team-x must be >= 0 but was -1.0");
    }
}

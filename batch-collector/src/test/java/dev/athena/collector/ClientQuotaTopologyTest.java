package dev.athena.collector;

import static dev.athena.collector.TestRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.quota.ClientQuotas;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.collector.state.StoreKind;
import java.nio.file.Path;
import dev.athena.collector.window.BatchWindowProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
        f = withQuotas(quotas);
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
    void shouldKeepAFloodingClientsBacklogOnDiskAndLetItAllGoInOrder() {
        // 600 items/s over 6 partitions: 100/s here, 4 at once; 64 items of team-a stay in memory, the rest wait
        ClientQuotas quotas = new ClientQuotas(0, Map.of("team-a", 600.0), 4);
        f = withQuotas(quotas);
        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            f.send("a-" + i, request("a-" + i, "team-a", "print(" + i + ")"));
            sent.add("a-" + i);
        }
        assertThat(count(BatchWindowProcessor.ITEMS_STORE)).as("items in memory").isEqualTo(64);
        assertThat(count(BatchWindowProcessor.WAITING_STORE)).as("items waiting on disk").isEqualTo(436);
        assertThat(f.registry.get("athena.collector.quota.waiting").gauge().value()).isEqualTo(436);
        assertThat(f.metrics.openRecords()).isEqualTo(500);

        f.send("b-1", request("b-1", "team-b", "print('b1')"));
        f.advance(100);
        List<String> first = f.batches.readValue().items().stream().map(i -> i.request().requestId()).toList();
        assertThat(first).as("team-b is not held behind team-a's backlog").contains("b-1").hasSize(5);

        List<String> batched = new ArrayList<>(first);
        for (int tick = 0; tick < 1_000 && batched.size() < 501; tick++) {
            f.advance(10);
            f.batches.readValuesToList().forEach(b -> b.items().forEach(i -> batched.add(i.request().requestId())));
            assertThat(count(BatchWindowProcessor.ITEMS_STORE)).isLessThanOrEqualTo(64);
        }
        assertThat(batched.stream().filter(id -> id.startsWith("a-")).toList()).containsExactlyElementsOf(sent);
        assertThat(batched).hasSize(501);
        assertThat(count(BatchWindowProcessor.WAITING_STORE)).isZero();
        assertThat(f.registry.get("athena.collector.quota.waiting").gauge().value()).isZero();
        assertThat(f.metrics.openRecords()).isZero();
    }

    @Test
    void shouldJoinAQuestionAskedAgainToItsItemWaitingOnDisk() {
        // 600 items/s over 6 partitions: 100/s here, 4 at once; 64 items of team-a stay in memory, the rest wait
        ClientQuotas quotas = new ClientQuotas(0, Map.of("team-a", 600.0), 4);
        f = withQuotas(quotas);
        for (int i = 1; i <= 100; i++) {
            f.send("a-" + i, request("a-" + i, "team-a", "print(" + i + ")"));
        }
        assertThat(count(BatchWindowProcessor.WAITING_STORE)).as("items waiting on disk").isEqualTo(36);
        for (int i = 71; i <= 80; i++) {
            f.send("again-" + i, request("again-" + i, "team-a", "print(" + i + ")"));
        }
        f.send("again-5", request("again-5", "team-a", "print(5)"));
        f.send("b-75", request("b-75", "team-b", "print(75)"));

        assertThat(count(BatchWindowProcessor.WAITING_STORE)).as("no new item waits").isEqualTo(36);
        assertThat(f.registry.get("athena.collector.quota.waiting").gauge().value()).isEqualTo(36);
        assertThat(f.registry.get("athena.collector.coalesced").counter().count()).isEqualTo(11);
        assertThat(f.metrics.openRecords()).isEqualTo(112);

        Map<String, List<String>> requestersByCode = new HashMap<>();
        List<String> requesters = new ArrayList<>();
        for (int tick = 0; tick < 1_000 && requesters.size() < 112; tick++) {
            f.advance(10);
            f.batches.readValuesToList().forEach(batch -> batch.items().forEach(item -> {
                List<String> ids = item.requesters().stream().map(r -> r.requestId()).toList();
                requestersByCode.merge(item.request().code() + "/" + item.requesters().get(0).clientId(), ids,
                        (a, b) -> { throw new AssertionError("question asked twice: " + a + ", " + b); });
                requesters.addAll(ids);
            }));
        }
        assertThat(requesters).hasSize(112).doesNotHaveDuplicates();
        assertThat(requestersByCode).hasSize(101);
        assertThat(requestersByCode.get("print(75)/team-a")).containsExactly("a-75", "again-75");
        assertThat(requestersByCode.get("print(5)/team-a")).containsExactly("a-5", "again-5");
        assertThat(requestersByCode.get("print(75)/team-b")).as("nobody waits for team-a's quota")
                .containsExactly("b-75");
        assertThat(count(BatchWindowProcessor.WAITING_STORE)).isZero();
        assertThat(f.metrics.openRecords()).isZero();
    }

    @Test
    void shouldExpireARequestWhoseDeadlinePassesWhileItWaitsForItsClientsRateWithoutSpendingATurn() {
        f = withTeamAAtOnePerSecond();
        String deadline = TopologyFixture.START.plusMillis(500).toString();
        f.send("a-1", request("a-1", "team-a", "print(1)"));
        for (String id : List.of("a-2", "a-3")) {
            f.send(id, TestRequests.requestDueBy(id, "team-a", "print('" + id + "')", deadline));
        }
        f.advance(100);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("a-1");
        assertThat(f.results.isEmpty()).isTrue();

        f.advance(420);
        var expired = f.results.readValuesToList();
        assertThat(expired).extracting(r -> r.batchId()).containsExactly("expired-a-2", "expired-a-3");
        assertThat(expired).allSatisfy(r -> assertThat(r.items()).singleElement().satisfies(item -> {
            assertThat(item.status()).isEqualTo(ResultStatus.EXPIRED);
            assertThat(item.error().code()).isEqualTo("DEADLINE_EXCEEDED");
            assertThat(item.error().message()).contains(deadline, "waited for its client's rate");
        }));
        assertThat(f.batches.isEmpty()).isTrue();
        assertThat(f.registry.get("athena.collector.expired").counter().count()).isEqualTo(2);

        // a-1 took team-a's turn at 100 ms; the expired two took none, so a-4 goes at the next, 1 s later
        f.send("a-4", request("a-4", "team-a", "print(4)"));
        f.advance(500);
        assertThat(f.batches.isEmpty()).isTrue();
        f.advance(100);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("a-4");
        assertThat(f.metrics.openRecords()).isZero();
    }

    @Test
    void shouldExpireARequestAtItsDeadlineEvenBehindItsClientsEarlierRequests() {
        f = withTeamAAtOnePerSecond();
        String deadline = TopologyFixture.START.plusMillis(300).toString();
        f.send("a-1", request("a-1", "team-a", "print(1)"));
        f.send("a-2", request("a-2", "team-a", "print(2)"));
        f.send("a-3", TestRequests.requestDueBy("a-3", "team-a", "print(3)", deadline));
        f.advance(100);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("a-1");

        // a-2, with no deadline, holds the head of team-a's line until its turn a second after a-1's
        f.advance(250);
        assertOnlyResultExpired("a-3", deadline);
        assertThat(f.batches.isEmpty()).isTrue();
        assertThat(f.metrics.openRecords()).as("a-2 still waits").isEqualTo(1);

        f.advance(800);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("a-2");
        assertThat(f.results.isEmpty()).isTrue();
        assertThat(f.registry.get("athena.collector.expired").counter().count()).isEqualTo(1);
        assertThat(f.metrics.openRecords()).isZero();
    }

    @Test
    void shouldExpireARequestWaitingOnDiskAtItsDeadlineNotWhenItComesIntoMemory() {
        // 600 items/s over 6 partitions: 100/s here, 4 at once; 64 items of team-a stay in memory, the rest wait
        f = withQuotas(new ClientQuotas(0, Map.of("team-a", 600.0), 4));
        String deadline = TopologyFixture.START.plusMillis(150).toString();
        for (int i = 1; i <= 100; i++) {
            String id = "a-" + i;
            f.send(id, i == 90 ? TestRequests.requestDueBy(id, "team-a", "print(90)", deadline)
                    : request(id, "team-a", "print(" + i + ")"));
        }
        assertThat(count(BatchWindowProcessor.WAITING_STORE)).as("items waiting on disk").isEqualTo(36);
        List<String> batched = new ArrayList<>();
        f.advance(100);
        f.batches.readValuesToList().forEach(b -> b.items().forEach(i -> batched.add(i.request().requestId())));

        // by 160 ms team-a has had about ten turns (four at 100 ms, then one a tick): a-90, on disk behind 25 others,
        // would come into memory after 26 turns, at about 320 ms
        f.advance(60);
        assertOnlyResultExpired("a-90", deadline);
        assertThat(f.registry.get("athena.collector.expired").counter().count()).isEqualTo(1);
        assertThat(f.registry.get("athena.collector.quota.waiting").gauge().value())
                .isEqualTo(count(BatchWindowProcessor.WAITING_STORE));

        for (int tick = 0; tick < 1_000 && batched.size() < 99; tick++) {
            f.advance(10);
            f.batches.readValuesToList().forEach(b -> b.items().forEach(i -> batched.add(i.request().requestId())));
        }
        assertThat(batched).hasSize(99).doesNotContain("a-90").doesNotHaveDuplicates();
        assertThat(f.results.isEmpty()).isTrue();
        assertThat(count(BatchWindowProcessor.WAITING_STORE)).isZero();
        assertThat(f.registry.get("athena.collector.quota.waiting").gauge().value()).isZero();
        assertThat(f.metrics.openRecords()).isZero();
    }

    @Test
    void shouldNotMakeAnotherClientWaitForARateLimitedClientsQuota() {
        f = withTeamAAtOnePerSecond(); // team-b has no limit
        f.send("a-1", request("a-1", "team-a", "print('p')"));
        f.send("a-2", request("a-2", "team-a", "print('q')"));
        f.advance(100);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("a-1");

        f.send("b-1", request("b-1", "team-b", "print('q')"));
        f.advance(20);
        var alone = f.batches.readValue().items();
        assertThat(alone).extracting(i -> i.request().requestId()).containsExactly("b-1");
        assertThat(alone.get(0).requesters()).extracting(r -> r.clientId()).containsExactly("team-b");

        f.advance(1_000);
        var later = f.batches.readValue().items();
        assertThat(later).extracting(i -> i.request().requestId()).containsExactly("a-2");
        assertThat(later.get(0).requesters()).extracting(r -> r.requestId()).containsExactly("a-2");
    }

    /** The one result out is an EXPIRED answer to {@code requestId} that names its deadline. */
    private void assertOnlyResultExpired(String requestId, String deadline) {
        assertThat(f.results.readValuesToList()).singleElement().satisfies(result -> {
            assertThat(result.batchId()).isEqualTo("expired-" + requestId);
            assertThat(result.items()).singleElement().satisfies(item -> {
                assertThat(item.status()).isEqualTo(ResultStatus.EXPIRED);
                assertThat(item.error().message()).contains(deadline);
            });
        });
    }

    /** 6 items/s over 6 partitions: team-a gets 1/s in each task, 1 at once; no other client has a rate. */
    private TopologyFixture withTeamAAtOnePerSecond() {
        return withQuotas(new ClientQuotas(0, Map.of("team-a", 6.0), 1));
    }

    /** 100 ms windows, 32 items a batch. */
    private TopologyFixture withQuotas(ClientQuotas quotas) {
        return new TopologyFixture(new CollectorSettings("127.0.0.1:1", "collector-quota-test", stateDir,
                Duration.ofMillis(100), Duration.ofMillis(100), 32, 100_000, 1024, Duration.ofMillis(50))
                .withQuotas(quotas));
    }

    private long count(String store) {
        long n = 0;
        try (var all = f.driver.getKeyValueStore(store).all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }

    @Test
    void shouldRejectNegativeRateNamingTheClient() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClientQuotas(0, Map.of("team-x", -1.0), 1))
                .hasMessage("rate of client team-x must be >= 0 but was -1.0");
    }
}

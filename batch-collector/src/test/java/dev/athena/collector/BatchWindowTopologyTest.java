package dev.athena.collector;

import static dev.athena.collector.TestRequests.fields;
import static dev.athena.collector.TestRequests.json;
import static dev.athena.collector.TestRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.collector.quota.ClientQuotas;
import dev.athena.collector.window.TokenEstimate;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchWindowTopologyTest {
    @TempDir
    Path stateDir;
    private TopologyFixture fixture;

    private TopologyFixture start(int maxItems, long maxTokens) {
        CollectorSettings settings = new CollectorSettings("127.0.0.1:1", "collector-window-test", stateDir,
                Duration.ofMillis(100), Duration.ofMillis(100), maxItems, maxTokens, 256 * 1024,
                Duration.ofMillis(50));
        fixture = new TopologyFixture(settings);
        return fixture;
    }

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldLetAFullWindowGoAtOnceEvenWhenWindowsAreLong() {
        fixture = new TopologyFixture(new CollectorSettings("127.0.0.1:1", "collector-window-test", stateDir,
                Duration.ofSeconds(2), Duration.ofSeconds(5), 2, 100_000, 256 * 1024, Duration.ofMillis(50)));
        fixture.send("r-1", request("r-1", "team-a", "print(1)"));
        fixture.send("r-2", request("r-2", "team-a", "print(2)"));

        assertThat(fixture.batches.readValue().items()).extracting(i -> i.request().requestId())
                .containsExactly("r-1", "r-2");
        fixture.send("r-3", request("r-3", "team-a", "print(3)"));
        fixture.advance(1_990);
        assertThat(fixture.batches.isEmpty()).as("a window that is not full waits its 2 s").isTrue();
        fixture.advance(10);
        assertThat(fixture.batches.readValue().items()).extracting(i -> i.request().requestId())
                .containsExactly("r-3");
    }

    @Test
    void shouldCloseWindowHundredMillisecondsAfterItsFirstItem() {
        TopologyFixture f = start(32, 100_000);
        f.send("r-1", request("r-1", "team-a", "print(1)"));
        for (int elapsed = 20; elapsed < 100; elapsed += 20) {
            f.advance(20);
            assertThat(f.batches.isEmpty()).as("no batch after %d ms", elapsed).isTrue();
        }
        f.send("r-2", request("r-2", "team-a", "print(2)"));
        f.advance(20);

        var record = f.batches.readRecord();
        AnalysisBatch batch = record.value();
        assertThat(record.key()).isEqualTo("auto/auto/interactive");
        assertThat(batch.route()).isEqualTo("auto/auto/interactive");
        assertThat(batch.items()).extracting(i -> i.request().requestId()).containsExactly("r-1", "r-2");
        assertThat(Duration.between(batch.windowStart(), batch.windowEnd())).isEqualTo(Duration.ofMillis(100));
        assertThat(f.batches.isEmpty()).isTrue();
        assertThat(f.registry.get("athena.collector.batches").tag("lane", "interactive").tag("close", "time").counter().count())
                .isEqualTo(1.0);
    }

    /** The test driver commits after every input and every wall-clock advance, as Streams does on its interval. */
    @Test
    void shouldKeepAPendingItemInTheChangelogUntilItsBatchHasLeft() {
        TopologyFixture f = start(32, 100_000);
        var changelog = f.driver.createOutputTopic("collector-window-test-"
                + dev.athena.collector.window.BatchWindowProcessor.ITEMS_STORE + "-changelog",
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        f.send("w-1", request("w-1", "team-a", "print(1)"));

        var pending = changelog.readKeyValuesToList();
        assertThat(pending).hasSize(1);
        assertThat(pending.get(0).value).isNotNull();
        assertThat(f.driver.getKeyValueStore(dev.athena.collector.window.BatchWindowProcessor.ITEMS_STORE)
                .approximateNumEntries()).isEqualTo(1);

        f.advance(100);

        assertThat(f.batches.readValue().items()).hasSize(1);
        var tombstones = changelog.readKeyValuesToList();
        assertThat(tombstones).hasSize(1);
        assertThat(tombstones.get(0).key).isEqualTo(pending.get(0).key);
        assertThat(tombstones.get(0).value).isNull();
        assertThat(f.driver.getKeyValueStore(dev.athena.collector.window.BatchWindowProcessor.ITEMS_STORE)
                .approximateNumEntries()).isZero();
    }

    @Test
    void shouldFlushQuietRouteWithoutFurtherInput() {
        TopologyFixture f = start(32, 100_000);
        f.send("q-1", request("q-1", "team-a", "x = 1"));
        f.advance(100);
        assertThat(f.batches.readValue().items()).hasSize(1);
        f.advance(1_000);
        assertThat(f.batches.isEmpty()).isTrue();
    }

    @Test
    void shouldCloseWindowEarlyWhenItReachesMaxItems() {
        TopologyFixture f = start(3, 100_000);
        for (int i = 1; i <= 4; i++) {
            f.send("m-" + i, request("m-" + i, "team-a", "print(" + i + ")"));
        }
        AnalysisBatch full = f.batches.readValue();
        assertThat(full.items()).extracting(i -> i.request().requestId()).containsExactly("m-1", "m-2", "m-3");
        assertThat(f.batches.isEmpty()).isTrue();

        f.advance(100);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("m-4");
    }

    @Test
    void shouldCloseWindowBeforeItemWouldExceedTokenBudget() {
        String code = "a".repeat(400); // 100 tokens of code
        long perItem = code.length() / 4 + TokenEstimate.PROMPT_OVERHEAD;
        TopologyFixture f = start(32, perItem * 2 + 1);
        for (int i = 1; i <= 3; i++) {
            f.send("t-" + i, request("t-" + i, "team-a", code + i));
        }
        f.advance(20);
        AnalysisBatch first = f.batches.readValue();
        assertThat(first.items()).extracting(i -> i.request().requestId()).containsExactly("t-1", "t-2");
        f.advance(100);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("t-3");
    }

    @Test
    void shouldSendItemLargerThanTokenBudgetAloneInItsBatch() {
        TopologyFixture f = start(32, 300);
        f.send("big-1", request("big-1", "team-a", "b".repeat(4_000)));
        f.advance(20);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("big-1");
    }

    @Test
    void shouldCoalesceIdenticalQuestionsIntoOneItemWithEveryRequester() {
        TopologyFixture f = start(32, 100_000);
        f.send("c-1", request("c-1", "team-a", "eval(input())"));
        f.send("c-2", request("c-2", "team-b", "eval(input())"));
        f.send("c-3", request("c-3", "team-a", "exec(input())"));
        f.advance(100);

        AnalysisBatch batch = f.batches.readValue();
        assertThat(batch.items()).hasSize(2);
        BatchItem shared = batch.items().get(0);
        assertThat(shared.requesters()).extracting(Requester::requestId, Requester::clientId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c-1", "team-a"),
                        org.assertj.core.groups.Tuple.tuple("c-2", "team-b"));
        assertThat(batch.requestCount()).isEqualTo(3);
        assertThat(f.registry.get("athena.collector.coalesced").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldKeepDifferentOptionsAndTypesApart() {
        TopologyFixture f = start(32, 100_000);
        Map<String, Object> withOptions = fields("o-2", "team-a", "eval(x)");
        withOptions.put("options", Map.of("depth", "deep"));
        Map<String, Object> quality = fields("o-3", "team-a", "eval(x)");
        quality.put("analysisType", "quality");
        f.send("o-1", request("o-1", "team-a", "eval(x)"));
        f.send("o-2", json(withOptions));
        f.send("o-3", json(quality));
        f.advance(100);
        assertThat(f.batches.readValue().items()).hasSize(3);
    }

    @Test
    void shouldDropDuplicateRequestIdWithoutSecondItemOrResult() {
        TopologyFixture f = start(32, 100_000);
        f.send("d-1", request("d-1", "team-a", "print(1)"));
        f.send("d-1", request("d-1", "team-a", "print(1)"));
        f.advance(100);
        f.send("d-1", request("d-1", "team-a", "print(1)"));
        f.advance(100);

        AnalysisBatch batch = f.batches.readValue();
        assertThat(batch.requestCount()).isEqualTo(1);
        assertThat(f.batches.isEmpty()).isTrue();
        assertThat(f.results.isEmpty()).isTrue();
        assertThat(f.registry.get("athena.collector.requests").tag("outcome", "duplicate").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void shouldTakeAnotherClientsRequestUnderTheSameIdAsItsOwn() {
        TopologyFixture f = start(32, 100_000);
        f.send("same-id", request("same-id", "team-a", "print(1)"));
        f.send("same-id", request("same-id", "team-b", "print(2)"));
        f.send("same-id", request("same-id", "team-b", "print(2)"));
        f.advance(100);

        AnalysisBatch batch = f.batches.readValue();
        assertThat(batch.items()).hasSize(2);
        assertThat(batch.items()).flatExtracting(i -> i.requesters())
                .extracting(r -> r.clientId() + ":" + r.requestId())
                .containsExactlyInAnyOrder("team-a:same-id", "team-b:same-id");
        assertThat(f.batches.isEmpty()).isTrue();
        assertThat(f.registry.get("athena.collector.requests").tag("outcome", "duplicate").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldBatchEachRouteSeparately() {
        TopologyFixture f = start(32, 100_000);
        Map<String, Object> bulk = fields("b-1", "team-a", "print(1)");
        bulk.put("lane", "bulk");
        Map<String, Object> anthropic = fields("p-1", "team-a", "print(1)");
        anthropic.put("provider", "anthropic");
        anthropic.put("model", "claude-sonnet");
        f.send("i-1", request("i-1", "team-a", "print(1)"));
        f.send("b-1", json(bulk));
        f.send("p-1", json(anthropic));
        f.advance(100);
        assertThat(f.batches.readKeyValuesToMap().keySet())
                .containsExactlyInAnyOrder("auto/auto/interactive", "auto/auto/bulk", "anthropic/claude-sonnet/interactive");
    }

    @Test
    void shouldCarryTraceparentIntoRequester() {
        TopologyFixture f = start(32, 100_000);
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var headers = new RecordHeaders().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        f.send("tp-1", request("tp-1", "team-a", "print(1)"), headers);
        f.advance(100);
        assertThat(f.batches.readValue().items().get(0).requesters().get(0).traceparent()).isEqualTo(traceparent);
    }

    @Test
    void shouldDropATraceparentThatIsNoTraceContext() {
        TopologyFixture f = start(32, 100_000);
        var tooLong = new RecordHeaders().add("traceparent", "0".repeat(257).getBytes(StandardCharsets.UTF_8));
        var unprintable = new RecordHeaders().add("traceparent", "00-\n-01".getBytes(StandardCharsets.UTF_8));
        var longest = new RecordHeaders().add("traceparent", "0".repeat(256).getBytes(StandardCharsets.UTF_8));
        f.send("tp-long", request("tp-long", "team-a", "print(1)"), tooLong);
        f.send("tp-ctl", request("tp-ctl", "team-a", "print(2)"), unprintable);
        f.send("tp-max", request("tp-max", "team-a", "print(3)"), longest);
        f.advance(100);

        assertThat(f.batches.readValue().items()).extracting(i -> i.requesters().get(0).traceparent())
                .containsExactly(null, null, "0".repeat(256));
    }

    /**
     * Items are cut into batches that fit the topic's record size, however many the item and token caps would
     * allow: five requests of ~1.5 MB (within the record limit of 1.6 MB) make a batch of four and one of one.
     */
    @Test
    void shouldCloseABatchBeforeItsItemsOutgrowTheTopicsRecordSize() {
        TopologyFixture f = start(32, 10_000_000);
        sendLargeRequests(f, 5);
        f.advance(10);

        var first = f.batches.readRecord();
        assertThat(first.value().items()).extracting(i -> i.request().requestId())
                .containsExactly("big-1", "big-2", "big-3", "big-4");
        f.advance(90);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("big-5");
        assertThat(f.registry.get("athena.collector.batches").tag("lane", "interactive").tag("close", "bytes")
                .counter().count()).isEqualTo(1.0);
    }

    /** Requests {@code big-1..count} of team-a, ~1.5 MB each (within the record limit of 1.6 MB), questions apart. */
    private static void sendLargeRequests(TopologyFixture f, int count) {
        for (int i = 1; i <= count; i++) {
            Map<String, Object> body = fields("big-" + i, "team-a", "print(" + i + ")");
            body.put("notes", "n".repeat(1_500_000));
            f.send("big-" + i, json(body));
        }
    }

    /** Requesters count towards a batch's bytes: one that a question asked again adds can fill a window too. */
    @Test
    void shouldSendAWindowThatARequesterJoiningAnItemFillsAtOnce() {
        TopologyFixture f = start(32, 10_000_000);
        sendLargeRequests(f, 4);
        assertThat(f.batches.isEmpty()).as("four items of 1.5 MB are within a batch's bytes").isTrue();
        int asked = 0;
        while (f.batches.isEmpty() && asked < 200) {
            asked++;
            f.send("again-" + asked, request("again-" + asked, "team-b", "print(1)"));
        }

        AnalysisBatch batch = f.batches.readValue();
        assertThat(asked).as("requesters joined before the window was full").isGreaterThan(1).isLessThan(200);
        assertThat(batch.items().get(0).requesters()).hasSize(asked + 1);
        assertThat(f.registry.get("athena.collector.batches").tag("lane", "interactive").tag("close", "bytes")
                .counter().count()).isEqualTo(1.0);
    }

    /** Thousands asking one question in one window: items of at most 256 requesters, and every requester in one. */
    @Test
    void shouldStartAnotherItemOnceAnItemCarriesItsMostRequesters() {
        TopologyFixture f = start(32, 100_000);
        for (int i = 0; i < 600; i++) {
            f.send("same-" + i, request("same-" + i, "team-" + (i % 7), "print('same')"));
        }
        f.advance(100);

        AnalysisBatch batch = f.batches.readValue();
        assertThat(batch.items()).extracting(i -> i.requesters().size()).containsExactly(256, 256, 88);
        assertThat(batch.items()).allSatisfy(i -> assertThat(i.cacheKey()).isEqualTo(batch.items().get(0).cacheKey()));
        assertThat(batch.items().stream().flatMap(i -> i.requesters().stream()).map(Requester::requestId).distinct())
                .hasSize(600);
        f.send("same-late", request("same-late", "team-a", "print('same')"));
        f.advance(100);
        assertThat(f.batches.readValue().items()).singleElement()
                .satisfies(i -> assertThat(i.requesters()).extracting(Requester::requestId).containsExactly("same-late"));
    }

    @Test
    void shouldGiveEveryWindowItsOwnBatchId() {
        TopologyFixture f = start(1, 100_000);
        f.send("u-1", request("u-1", "team-a", "print(1)"));
        f.send("u-2", request("u-2", "team-a", "print(2)"));
        f.advance(20);
        assertThat(f.batches.readValue().batchId()).isNotEqualTo(f.batches.readValue().batchId());
    }

    @Test
    void shouldCountRequestsInOpenWindows() {
        TopologyFixture f = start(32, 100_000);
        f.send("g-1", request("g-1", "team-a", "print(1)"));
        f.send("g-2", request("g-2", "team-a", "print(1)"));
        assertThat(f.registry.get("athena.collector.window.open.records").gauge().value()).isEqualTo(2.0);
        f.advance(100);
        assertThat(f.registry.get("athena.collector.window.open.records").gauge().value()).isEqualTo(0.0);
    }

    /**
     * A full window leaves as soon as it is full, its places shared round-robin between the clients with items in
     * it: a request arriving amid another client's flood goes in the next batch, ahead of the flood's later items.
     */
    @Test
    void shouldSendAFullWindowAtOnceSharingItsPlacesRoundRobinAcrossClients() {
        TopologyFixture f = start(4, 100_000);
        for (int i = 1; i <= 6; i++) {
            f.send("flood-" + i, request("flood-" + i, "team-flood", "print(" + i + ")"));
        }
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId())
                .containsExactly("flood-1", "flood-2", "flood-3", "flood-4");
        f.send("calm-1", request("calm-1", "team-calm", "print('calm')"));
        for (int i = 7; i <= 10; i++) {
            f.send("flood-" + i, request("flood-" + i, "team-flood", "print(" + i + ")"));
        }

        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId())
                .containsExactly("flood-5", "calm-1", "flood-6", "flood-7");
        assertThat(f.batches.isEmpty()).as("the rest waits for its window").isTrue();
        f.advance(100);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId())
                .containsExactly("flood-8", "flood-9", "flood-10");
        assertThat(f.registry.get("athena.collector.batches").tag("lane", "interactive").tag("close", "items")
                .counter().count()).isEqualTo(2.0);
    }

    @Test
    void shouldCloseInteractiveOnItsOwnShorterWindowWhileBulkFloods() {
        CollectorSettings settings = new CollectorSettings("127.0.0.1:1", "collector-lane-test", stateDir,
                Duration.ofMillis(50), Duration.ofMillis(100), 8, 100_000, 256 * 1024, Duration.ofMillis(50));
        fixture = new TopologyFixture(settings);
        TopologyFixture f = fixture;
        for (int i = 1; i <= 20; i++) {
            Map<String, Object> bulk = fields("bulk-" + i, "scanner", "print(" + i + ")");
            bulk.put("lane", "bulk");
            f.send("bulk-" + i, json(bulk));
        }
        f.send("int-1", request("int-1", "team-a", "print('now')"));
        f.advance(10);
        // the bulk route is full: its batches go, but the interactive one goes first in the tick it is due
        assertThat(f.batches.readKeyValuesToList()).extracting(kv -> kv.key)
                .containsOnly("auto/auto/bulk").hasSize(2);
        for (int elapsed = 20; elapsed <= 40; elapsed += 10) {
            f.advance(10);
        }
        assertThat(f.batches.isEmpty()).isTrue();
        f.advance(10);
        var atFifty = f.batches.readKeyValuesToList();
        assertThat(atFifty).extracting(kv -> kv.key).containsExactly("auto/auto/interactive");
        f.advance(50);
        assertThat(f.batches.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("auto/auto/bulk");
    }

    @Test
    void shouldCloseInteractiveBeforeBulkWhenBothAreDueInOneTick() {
        TopologyFixture f = start(32, 100_000);
        Map<String, Object> bulk = fields("bulk-1", "scanner", "print(1)");
        bulk.put("lane", "bulk");
        f.send("bulk-1", json(bulk));
        f.send("int-1", request("int-1", "team-a", "print(2)"));
        f.advance(100);
        assertThat(f.batches.readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactly("auto/auto/interactive", "auto/auto/bulk");
    }

    /** Coalescing is within a window: once a full window has left, the same question starts another item. */
    @Test
    void shouldStartAnotherItemForAQuestionAskedAfterItsFullWindowLeft() {
        TopologyFixture f = start(1, 100_000);
        f.send("w-1", request("w-1", "team-a", "print(1)"));
        f.send("w-2", request("w-2", "team-b", "print(1)"));
        assertThat(f.batches.readValuesToList()).hasSize(2).allSatisfy(batch -> assertThat(batch.items())
                .singleElement().satisfies(item -> assertThat(item.requesters()).hasSize(1)));
    }

    /**
     * A route holding items of a client with a rate leaves its full windows to the next tick, so that a client over
     * its rate cannot make every other client's item leave alone; its question asked again meanwhile joins the item
     * still waiting. A route of clients without rates goes on sending full windows at once.
     */
    @Test
    void shouldLeaveAFullWindowToItsTickOnlyWhileItHoldsItemsOfAClientWithARate() {
        fixture = new TopologyFixture(new CollectorSettings("127.0.0.1:1", "collector-window-test", stateDir,
                Duration.ofMillis(100), Duration.ofMillis(100), 1, 100_000, 256 * 1024, Duration.ofMillis(50))
                .withQuotas(new ClientQuotas(0, Map.of("team-rated", 6_000.0), 10)));
        TopologyFixture f = fixture;
        f.send("free-1", request("free-1", "team-free", "print('free')"));
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("free-1");

        f.send("w-1", request("w-1", "team-rated", "print(1)"));
        f.send("w-2", request("w-2", "team-rated", "print(1)"));
        assertThat(f.batches.isEmpty()).isTrue();
        f.advance(10);
        assertThat(f.batches.readValue().items()).singleElement()
                .satisfies(item -> assertThat(item.requesters()).extracting(Requester::requestId)
                        .containsExactly("w-1", "w-2"));
        f.send("free-2", request("free-2", "team-free", "print('free again')"));
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("free-2");
    }

    @Test
    void shouldForgetRequestIdsOnceStreamTimeIsWellPastTheirRetention() {
        TopologyFixture f = start(32, 100_000);
        f.send("old-1", request("old-1", "team-a", "print(1)"));
        f.advance(100);
        assertThat(f.batches.readValue().items()).hasSize(1);
        var later = TopologyFixture.START.plus(CollectorTopology.SEEN_RETENTION.multipliedBy(2));
        f.send("new-1", request("new-1", "team-a", "print(2)"), new RecordHeaders(), later);
        f.send("old-1", request("old-1", "team-a", "print(1)"), new RecordHeaders(), later);
        f.advance(100);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId())
                .containsExactly("new-1", "old-1");
    }
}

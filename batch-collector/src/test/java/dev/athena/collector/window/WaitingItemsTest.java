package dev.athena.collector.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.validation.Decoded;
import dev.athena.schemas.validation.RequestDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The waiting queues' index of questions, which the topology tests only see through batches. */
class WaitingItemsTest {
    private static final String ROUTE = "auto/auto/bulk";
    private final KeyValueStore<String, PendingItem> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("waiting-test"), Serdes.String(), new PendingItemSerde())
            .withLoggingDisabled().withCachingDisabled().build();

    WaitingItemsTest() {
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void shouldFindWaitingQuestionsAgainAfterATaskStart() {
        WaitingItems waiting = new WaitingItems(store);
        waiting.add(ROUTE, "team-a", item("a-1", "team-a", "print(1)"));
        waiting.add(ROUTE, "team-a", item("a-2", "team-a", "print(2)"));

        WaitingItems restarted = new WaitingItems(store);

        assertThat(restarted.coalesce(ROUTE, "team-a", key("print(2)"), requester("again-2", "team-a"), 256))
                .isTrue();
        assertThat(restarted.coalesce(ROUTE, "team-b", key("print(2)"), requester("b-2", "team-b"), 256))
                .as("another client's queue").isFalse();
        assertThat(restarted.coalesce(ROUTE, "team-a", key("print(3)"), requester("a-3", "team-a"), 256))
                .as("a question nobody asked").isFalse();
        assertThat(restarted.requests()).isEqualTo(3);
        List<PendingItem> taken = restarted.take(new WaitingItems.Queue(ROUTE, "team-a"), 10);
        assertThat(taken).extracting(p -> p.item().requesters().stream().map(Requester::requestId).toList())
                .containsExactly(List.of("a-1"), List.of("a-2", "again-2"));
    }

    @Test
    void shouldStartAnotherItemWhenTheWaitingOneIsFullAndJoinTheNewOneAfter() {
        WaitingItems waiting = new WaitingItems(store);
        waiting.add(ROUTE, "team-a", item("a-1", "team-a", "print(1)"));

        assertThat(waiting.coalesce(ROUTE, "team-a", key("print(1)"), requester("a-2", "team-a"), 1)).isFalse();
        waiting.add(ROUTE, "team-a", item("a-2", "team-a", "print(1)"));
        assertThat(waiting.coalesce(ROUTE, "team-a", key("print(1)"), requester("a-3", "team-a"), 2)).isTrue();

        List<PendingItem> taken = waiting.take(new WaitingItems.Queue(ROUTE, "team-a"), 10);
        assertThat(taken).extracting(p -> p.item().requesters().stream().map(Requester::requestId).toList())
                .containsExactly(List.of("a-1"), List.of("a-2", "a-3"));
    }

    @Test
    void shouldNotJoinAQuestionThatHasLeftTheQueue() {
        WaitingItems waiting = new WaitingItems(store);
        waiting.add(ROUTE, "team-a", item("a-1", "team-a", "print(1)"));
        waiting.add(ROUTE, "team-a", item("a-2", "team-a", "print(2)"));
        assertThat(waiting.take(new WaitingItems.Queue(ROUTE, "team-a"), 1)).hasSize(1);

        assertThat(waiting.coalesce(ROUTE, "team-a", key("print(1)"), requester("again-1", "team-a"), 256))
                .as("taken into a window already").isFalse();
        assertThat(waiting.coalesce(ROUTE, "team-a", key("print(2)"), requester("again-2", "team-a"), 256))
                .isTrue();
        assertThat(waiting.take(new WaitingItems.Queue(ROUTE, "team-a"), 10)).hasSize(1);
        assertThat(waiting.isEmpty()).isTrue();
        assertThat(waiting.coalesce(ROUTE, "team-a", key("print(2)"), requester("late-2", "team-a"), 256))
                .isFalse();
    }

    @Test
    void shouldTakeOutOverdueItemsWhereverTheyWaitAndForgetThem() {
        WaitingItems waiting = new WaitingItems(store);
        waiting.add(ROUTE, "team-a", item("a-1", "team-a", "print(1)"));
        waiting.add(ROUTE, "team-a", itemDueAt("a-2", "team-a", "print(2)", 5_000));
        waiting.add(ROUTE, "team-b", itemDueAt("b-1", "team-b", "print(1)", 3_000));
        waiting.add(ROUTE, "team-a", itemDueAt("a-3", "team-a", "print(3)", 9_000));
        assertThat(waiting.coalesce(ROUTE, "team-a", key("print(2)"), requester("again-2", "team-a"), 256))
                .isTrue();

        assertThat(waiting.takeOverdue(2_999)).isEmpty();
        List<WaitingItems.Overdue> overdue = waiting.takeOverdue(5_000);

        assertThat(overdue).extracting(o -> requestIds(o.item())).as("soonest deadline first")
                .containsExactly(List.of("b-1"), List.of("a-2", "again-2"));
        assertThat(overdue).extracting(WaitingItems.Overdue::route).containsOnly(ROUTE);
        assertThat(waiting.items()).isEqualTo(2);
        assertThat(waiting.requests()).isEqualTo(2);
        assertThat(store.approximateNumEntries()).isEqualTo(2);
        assertThat(waiting.holds(ROUTE, "team-b")).isFalse();
        assertThat(waiting.coalesce(ROUTE, "team-a", key("print(2)"), requester("late-2", "team-a"), 256))
                .as("an expired question takes no more requesters").isFalse();
        // a-3 leaves at its turn instead, and its deadline with it
        assertThat(waiting.take(new WaitingItems.Queue(ROUTE, "team-a"), 10))
                .extracting(WaitingItemsTest::requestIds).containsExactly(List.of("a-1"), List.of("a-3"));
        assertThat(waiting.takeOverdue(10_000)).isEmpty();
        assertThat(waiting.isEmpty()).isTrue();
    }

    @Test
    void shouldKnowTheDeadlinesOfWaitingItemsAgainAfterATaskStart() {
        WaitingItems waiting = new WaitingItems(store);
        waiting.add(ROUTE, "team-a", item("a-1", "team-a", "print(1)"));
        waiting.add(ROUTE, "team-a", itemDueAt("a-2", "team-a", "print(2)", 5_000));

        WaitingItems restarted = new WaitingItems(store);

        assertThat(restarted.takeOverdue(5_000)).extracting(o -> requestIds(o.item()))
                .containsExactly(List.of("a-2"));
        assertThat(restarted.items()).isEqualTo(1);
        assertThat(store.approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void shouldHashCacheKeysThatShareAStringHashApart() {
        // "Aa" and "BB" have the same String.hashCode, and so does every key built of them alike
        assertThat("analysis:Aa".hashCode()).isEqualTo("analysis:BB".hashCode());
        assertThat(WaitingItems.questionHash("analysis:Aa")).isNotEqualTo(WaitingItems.questionHash("analysis:BB"));
    }

    private static String key(String code) {
        return "analysis:auto:auto:security:" + code;
    }

    private static Requester requester(String requestId, String clientId) {
        return new Requester(requestId, clientId, null, null);
    }

    private static List<String> requestIds(PendingItem item) {
        return item.item().requesters().stream().map(Requester::requestId).toList();
    }

    private static PendingItem item(String requestId, String clientId, String code) {
        return item(requestId, clientId, code, "");
    }

    private static PendingItem itemDueAt(String requestId, String clientId, String code, long deadlineMs) {
        return item(requestId, clientId, code, ",\"deadline\":\"" + Instant.ofEpochMilli(deadlineMs) + "\"");
    }

    private static PendingItem item(String requestId, String clientId, String code, String moreFields) {
        byte[] wire = ("{\"schemaVersion\":1,\"requestId\":\"" + requestId + "\",\"clientId\":\"" + clientId
                + "\",\"analysisType\":\"security\",\"code\":\"" + code + "\",\"lane\":\"bulk\"" + moreFields
                + "}").getBytes(StandardCharsets.UTF_8);
        AnalysisRequest request = ((Decoded.Accepted) RequestDecoder.ofDefaults().decode(wire)).request();
        return new PendingItem(new BatchItem(key(code), request, List.of(requester(requestId, clientId))), 10,
                1_000, wire);
    }
}

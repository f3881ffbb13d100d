package dev.athena.collector.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.validation.Decoded;
import dev.athena.schemas.validation.RequestDecoder;
import java.nio.charset.StandardCharsets;
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

    private static PendingItem item(String requestId, String clientId, String code) {
        byte[] wire = ("{\"schemaVersion\":1,\"requestId\":\"" + requestId + "\",\"clientId\":\"" + clientId
                + "\",\"analysisType\":\"security\",\"code\":\"" + code + "\",\"lane\":\"bulk\"}")
                .getBytes(StandardCharsets.UTF_8);
        AnalysisRequest request = ((Decoded.Accepted) RequestDecoder.ofDefaults().decode(wire)).request();
        return new PendingItem(new BatchItem(key(code), request, List.of(requester(requestId, clientId))), 10,
                1_000, wire);
    }
}

package dev.athena.collector.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteStateTest {
    private static final String ROUTE = "auto/auto/interactive";

    private static PendingItem item(String requestId, String clientId, String cacheKey, long tokens) {
        AnalysisRequest request = AnalysisRequest.of(requestId, clientId, AnalysisType.SECURITY, "code");
        return new PendingItem(new BatchItem(cacheKey, request, List.of(Requester.of(request, null))), tokens, 1_000);
    }

    @Test
    void shouldRebuildFromStoredItemsWithCoalescingAndTurns() {
        RouteState before = new RouteState(ROUTE, Lane.INTERACTIVE, 1_000);
        Map<String, PendingItem> store = new LinkedHashMap<>();
        for (PendingItem item : List.of(item("a-1", "a", "k1", 10), item("a-2", "a", "k2", 10),
                item("b-1", "b", "k3", 10))) {
            store.put(before.add(item).key(), item);
        }
        PendingSlot shared = before.locate("k1");
        before.coalesce(shared, new Requester("c-1", "c", null, null));
        store.put(shared.key(), shared.item());

        RouteState after = new RouteState(ROUTE, Lane.INTERACTIVE, 1_000);
        store.forEach(after::restore);

        assertThat(after.items()).isEqualTo(3);
        assertThat(after.requests()).isEqualTo(4);
        assertThat(after.tokens()).isEqualTo(30);
        assertThat(after.locate("k1").key()).isEqualTo(shared.key());
        String next = after.add(item("a-3", "a", "k4", 10)).key();
        assertThat(store).doesNotContainKey(next);

        RouteState.Taken taken = after.take(3, 1_000);
        assertThat(taken.items()).extracting(i -> i.requesters().get(0).requestId())
                .containsExactly("a-1", "b-1", "a-2");
        assertThat(taken.items().get(0).requesters()).extracting(Requester::requestId).containsExactly("a-1", "c-1");
        assertThat(after.take(3, 1_000).items()).extracting(i -> i.requesters().get(0).requestId())
                .containsExactly("a-3");
        assertThat(after.isEmpty()).isTrue();
        assertThat(after.requests()).isZero();
    }

    @Test
    void shouldStopBeforeTokenBudgetAndKeepThatClientFirst() {
        RouteState state = new RouteState(ROUTE, Lane.INTERACTIVE, 0);
        state.add(item("a-1", "a", "k1", 60));
        state.add(item("b-1", "b", "k2", 60));
        state.add(item("c-1", "c", "k3", 10));
        assertThat(state.take(10, 100).items()).hasSize(1);
        assertThat(state.take(10, 100).items()).extracting(i -> i.requesters().get(0).clientId())
                .containsExactly("b", "c");
    }

    @Test
    void shouldPassTheTurnOnFromOneBatchToTheNext() {
        RouteState state = new RouteState(ROUTE, Lane.INTERACTIVE, 0);
        state.add(item("a-1", "a", "k1", 10));
        state.add(item("a-2", "a", "k2", 10));
        state.add(item("a-3", "a", "k3", 10));
        state.add(item("b-1", "b", "k4", 10));
        state.add(item("c-1", "c", "k5", 10));
        assertThat(state.take(2, 1_000).items()).extracting(i -> i.requesters().get(0).requestId())
                .containsExactly("a-1", "b-1");
        assertThat(state.take(2, 1_000).items()).extracting(i -> i.requesters().get(0).requestId())
                .containsExactly("c-1", "a-2");
        assertThat(state.take(2, 1_000).items()).extracting(i -> i.requesters().get(0).requestId())
                .containsExactly("a-3");
    }

    private static PendingItem itemDueAt(String requestId, String clientId, String cacheKey, long deadlineMs) {
        AnalysisRequest plain = AnalysisRequest.of(requestId, clientId, AnalysisType.SECURITY, "code");
        AnalysisRequest request = new AnalysisRequest(plain.schemaVersion(), requestId, clientId,
                plain.analysisType(), null, null, plain.code(), null, null, Lane.INTERACTIVE, null,
                Instant.ofEpochMilli(deadlineMs), null, null, null);
        return new PendingItem(new BatchItem(cacheKey, request, List.of(Requester.of(request, null))), 10, 1_000);
    }

    @Test
    void shouldTakeOutOverdueItemsOfClientsWithARateWhereverTheyWaitInTheirLines() {
        RouteState state = new RouteState(ROUTE, Lane.INTERACTIVE, 1_000, client -> client.startsWith("rated"));
        state.add(item("a-1", "rated-a", "k1", 10));
        state.add(itemDueAt("a-2", "rated-a", "k2", 1_500));
        state.add(item("a-3", "rated-a", "k3", 10));
        state.add(itemDueAt("z-1", "rated-z", "k4", 1_400));
        state.add(itemDueAt("b-1", "b", "k5", 1_500));

        assertThat(state.takeOverdue(1_499)).extracting(slot -> slot.item().item().request().requestId())
                .containsExactly("z-1");
        assertThat(state.takeOverdue(1_500)).as("b's line empties every window; its head expires at its turn")
                .extracting(slot -> slot.item().item().request().requestId()).containsExactly("a-2");

        assertThat(state.items()).isEqualTo(3);
        assertThat(state.tokens()).isEqualTo(30);
        assertThat(state.requests()).isEqualTo(3);
        assertThat(state.locate("k2")).as("an expired question is no longer pending").isNull();
        assertThat(state.takeOverdue(2_000)).as("nothing left to expire in lines with a rate").isEmpty();
        RouteState.Taken rest = state.take(32, 1_000, Long.MAX_VALUE, client -> true, 1_500);
        assertThat(rest.items()).extracting(i -> i.request().requestId()).containsExactly("a-1", "a-3");
        assertThat(rest.expired()).extracting(slot -> slot.item().item().request().requestId())
                .containsExactly("b-1");
        assertThat(state.isEmpty()).isTrue();
        assertThat(state.holdsRatedClients()).isFalse();
    }

    @Test
    void shouldKnowWhileItHoldsItemsOfAClientWithARate() {
        RouteState state = new RouteState(ROUTE, Lane.INTERACTIVE, 0, client -> client.equals("z"));
        state.add(item("a-1", "a", "k1", 10));
        assertThat(state.holdsRatedClients()).isFalse();
        state.add(item("z-1", "z", "k2", 10));
        state.add(item("z-2", "z", "k3", 10));
        assertThat(state.holdsRatedClients()).isTrue();
        state.take(2, 1_000);
        assertThat(state.holdsRatedClients()).as("z-2 still pending").isTrue();
        state.take(2, 1_000);
        assertThat(state.holdsRatedClients()).isFalse();
        state.add(item("z-3", "z", "k4", 10));
        assertThat(state.holdsRatedClients()).isTrue();
    }

    @Test
    void shouldSendItemOverBudgetAlone() {
        RouteState state = new RouteState(ROUTE, Lane.INTERACTIVE, 0);
        state.add(item("a-1", "a", "k1", 500));
        state.add(item("a-2", "a", "k2", 10));
        assertThat(state.take(10, 100).items()).hasSize(1);
        assertThat(state.take(10, 100).items()).hasSize(1);
    }

    @Test
    void shouldLetAnExpiredItemLeaveAtItsTurnEvenWhenItsClientIsOverItsRate() {
        RouteState state = new RouteState(ROUTE, Lane.INTERACTIVE, 1_000);
        state.add(itemDueAt("a-1", "a", "k1", 1_500));
        state.add(item("a-2", "a", "k2", 10));
        state.add(item("b-1", "b", "k3", 10));

        RouteState.Taken taken = state.take(32, 1_000, Long.MAX_VALUE, client -> !client.equals("a"), 1_500);

        assertThat(taken.expired()).extracting(slot -> slot.item().item().request().requestId())
                .containsExactly("a-1");
        assertThat(taken.items()).extracting(i -> i.request().requestId()).containsExactly("b-1");
        assertThat(state.items()).isEqualTo(1);
        assertThat(state.tokens()).isEqualTo(10);
        assertThat(state.locate("k1")).as("an expired question is no longer pending").isNull();
        assertThat(state.take(32, 1_000, Long.MAX_VALUE, client -> true, RouteState.NO_DEADLINES).items())
                .extracting(i -> i.request().requestId()).containsExactly("a-2");
    }
}

package dev.athena.collector.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemWriteBehindTest {
    private static final String ROUTE = "auto/auto/interactive";
    private final List<Map.Entry<String, PendingItem>> writes = new ArrayList<>();
    private final ItemWriteBehind buffer = new ItemWriteBehind((key, item) -> writes.add(new SimpleEntry<>(key, item)));

    private static PendingItem item(String id) {
        return item(id, "key-" + id);
    }

    private static PendingItem item(String id, String cacheKey) {
        AnalysisRequest request = AnalysisRequest.of(id, "team-a", AnalysisType.SECURITY, "print(1)");
        return new PendingItem(new BatchItem(cacheKey, request, List.of(Requester.of(request, null))), 10, 0);
    }

    @Test
    void shouldWriteNothingForAnItemBatchedBeforeTheCommit() {
        PendingSlot a = new PendingSlot(1, ROUTE, item("a"));
        buffer.put(a);
        buffer.remove(a);
        buffer.flush();

        assertThat(writes).isEmpty();
        assertThat(buffer.held()).isZero();
    }

    @Test
    void shouldWriteAnItemPendingAtTheCommitOnceAndTombstoneItAfterItIsBatched() {
        PendingSlot a = new PendingSlot(1, ROUTE, item("a"));
        buffer.put(a);
        buffer.flush();
        buffer.flush();
        buffer.remove(a);
        buffer.flush();
        buffer.flush();

        assertThat(writes).extracting(Map.Entry::getKey).containsExactly(RouteState.itemKey(1, ROUTE),
                RouteState.itemKey(1, ROUTE));
        assertThat(writes.get(0).getValue()).isSameAs(a.item());
        assertThat(writes.get(1).getValue()).isNull();
    }

    @Test
    void shouldWriteOnlyTheLatestVersionOfACoalescedItem() {
        PendingSlot a = new PendingSlot(1, ROUTE, item("a"));
        buffer.put(a);
        PendingItem coalesced = item("a").withItem(new BatchItem("key-a", item("a").item().request(),
                List.of(new Requester("a", "team-a", null, null), new Requester("b", "team-b", null, null))));
        a.update(coalesced);
        buffer.put(a);
        buffer.flush();

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).getValue()).isSameAs(coalesced);
    }

    @Test
    void shouldRewriteAStoredItemThatChangedAndTombstoneItOnce() {
        PendingSlot a = new PendingSlot(1, ROUTE, item("a"));
        buffer.put(a);
        buffer.flush();
        a.update(item("a2", a.cacheKey()));
        buffer.put(a);
        buffer.remove(a);
        buffer.flush();

        assertThat(writes).hasSize(2);
        assertThat(writes.get(1).getValue()).isNull();
    }

    @Test
    void shouldTombstoneARestoredItemOnceItIsBatched() {
        String key = RouteState.itemKey(7, ROUTE);
        PendingSlot restored = PendingSlot.restored(ROUTE, key, item("r"));
        buffer.remove(restored);
        buffer.flush();
        buffer.flush();

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).getKey()).isEqualTo(key);
        assertThat(writes.get(0).getValue()).isNull();
        assertThat(buffer.held()).isZero();
    }
}

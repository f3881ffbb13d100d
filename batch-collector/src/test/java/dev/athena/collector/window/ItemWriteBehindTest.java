package dev.athena.collector.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemWriteBehindTest {
    private final List<Map.Entry<String, PendingItem>> writes = new ArrayList<>();
    private final ItemWriteBehind buffer = new ItemWriteBehind(
            (key, item) -> writes.add(new java.util.AbstractMap.SimpleEntry<>(key, item)), List.of("restored"));

    private static PendingItem item(String id) {
        AnalysisRequest request = AnalysisRequest.of(id, "team-a", AnalysisType.SECURITY, "print(1)");
        return new PendingItem(new BatchItem("key-" + id, request, List.of(Requester.of(request, null))), 10, 0);
    }

    @Test
    void shouldWriteNothingForAnItemBatchedBeforeTheCommit() {
        buffer.put("a", item("a"));
        buffer.remove("a");
        buffer.flush();

        assertThat(writes).isEmpty();
    }

    @Test
    void shouldWriteAnItemPendingAtTheCommitOnceAndTombstoneItAfterItIsBatched() {
        PendingItem a = item("a");
        buffer.put("a", a);
        buffer.flush();
        buffer.remove("a");
        buffer.flush();

        assertThat(writes).extracting(Map.Entry::getKey).containsExactly("a", "a");
        assertThat(writes.get(0).getValue()).isSameAs(a);
        assertThat(writes.get(1).getValue()).isNull();
    }

    @Test
    void shouldWriteOnlyTheLatestVersionOfACoalescedItem() {
        buffer.put("a", item("a"));
        PendingItem coalesced = item("a").withItem(new BatchItem("key-a", item("a").item().request(),
                List.of(new Requester("a", "team-a", null, null), new Requester("b", "team-b", null, null))));
        buffer.put("a", coalesced);
        buffer.flush();

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).getValue()).isSameAs(coalesced);
    }

    @Test
    void shouldTombstoneARestoredItemOnceItIsBatched() {
        buffer.remove("restored");
        buffer.flush();
        buffer.flush();

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).getKey()).isEqualTo("restored");
        assertThat(writes.get(0).getValue()).isNull();
        assertThat(buffer.held()).isZero();
    }
}

package dev.athena.collector.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PendingByCacheKeyTest {
    private static long seq;

    private static PendingSlot slot(String cacheKey) {
        AnalysisRequest request = AnalysisRequest.of("r-" + seq, "a", AnalysisType.SECURITY, "code");
        PendingItem item = new PendingItem(new BatchItem(cacheKey, request, List.of(Requester.of(request, null))),
                10, 0);
        return new PendingSlot(seq++, "auto/auto/interactive", item);
    }

    @Test
    void shouldFindThePendingSlotOfAKeyAndPassOverTakenOnes() {
        PendingByCacheKey index = new PendingByCacheKey();
        PendingSlot first = slot("k1");
        index.put(first);
        assertThat(index.get("k1")).isSameAs(first);
        assertThat(index.get("k2")).isNull();

        first.taken = true;
        assertThat(index.get("k1")).isNull();
        PendingSlot second = slot("k1");
        index.put(second);
        assertThat(index.get("k1")).isSameAs(second);
        assertThat(index.used()).as("the taken slot keeps its place until a rebuild").isEqualTo(2);
    }

    @Test
    void shouldLeaveTakenSlotsOutWhenItRebuilds() {
        PendingByCacheKey index = new PendingByCacheKey();
        List<PendingSlot> all = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            PendingSlot slot = slot("k" + i);
            index.put(slot);
            all.add(slot);
            slot.taken = i % 8 != 0;
        }
        assertThat(index.used()).isEqualTo(64);
        index.put(slot("last"));
        assertThat(index.used()).as("the 8 pending ones and the new one").isEqualTo(9);
        for (int i = 0; i < 64; i++) {
            assertThat(index.get("k" + i)).isSameAs(i % 8 == 0 ? all.get(i) : null);
        }
    }

    @Test
    void shouldLetANewerSlotOfTheSameKeyTakeOverWhileTheOlderIsStillPending() {
        PendingByCacheKey index = new PendingByCacheKey();
        PendingSlot older = slot("k1");
        PendingSlot newer = slot("k1");
        index.put(older);
        index.put(newer);
        assertThat(index.get("k1")).isSameAs(newer);
        newer.taken = true;
        assertThat(index.get("k1")).as("the older one was replaced, as a hash map put replaces").isNull();
    }

    @Test
    void shouldTellApartKeysWithTheSameHashCode() {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        PendingByCacheKey index = new PendingByCacheKey();
        PendingSlot aa = slot("Aa");
        PendingSlot bb = slot("BB");
        index.put(aa);
        index.put(bb);
        assertThat(index.get("Aa")).isSameAs(aa);
        assertThat(index.get("BB")).isSameAs(bb);
        aa.taken = true;
        assertThat(index.get("BB")).as("found past a taken slot on the same probe path").isSameAs(bb);
        assertThat(index.get("Aa")).isNull();
    }

    @Test
    void shouldAgreeWithAHashMapOverManyWindowsAndStayBounded() {
        SplittableRandom random = new SplittableRandom(42);
        PendingByCacheKey index = new PendingByCacheKey();
        java.util.Map<String, PendingSlot> expected = new java.util.HashMap<>();
        List<PendingSlot> pending = new ArrayList<>();
        for (int step = 0; step < 200_000; step++) {
            String key = "analysis:auto:auto:security:" + Integer.toHexString(random.nextInt(3_000)) + ":d41d8cd9";
            if (random.nextInt(3) > 0 || pending.isEmpty()) {
                PendingSlot slot = slot(key);
                index.put(slot);
                expected.put(key, slot);
                pending.add(slot);
            } else {
                PendingSlot gone = pending.remove(random.nextInt(pending.size()));
                gone.taken = true;
                expected.remove(gone.cacheKey(), gone);
            }
            String probe = "analysis:auto:auto:security:" + Integer.toHexString(random.nextInt(3_000)) + ":d41d8cd9";
            assertThat(index.get(probe)).isSameAs(expected.get(probe));
            if (pending.size() > 2_000) {
                pending.subList(0, 1_000).forEach(slot -> {
                    slot.taken = true;
                    expected.remove(slot.cacheKey(), slot);
                });
                pending.subList(0, 1_000).clear();
            }
        }
        assertThat(index.used()).as("taken places are dropped at rebuilds").isLessThan(8 * 2_000);
    }

    @Test
    void shouldRefuseAnUpdateThatChangesTheCacheKey() {
        PendingSlot slot = slot("k1");
        PendingItem other = slot("k2").item();
        assertThatThrownBy(() -> slot.update(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cache key");
    }
}

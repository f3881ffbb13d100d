package dev.athena.collector.window;

import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What is pending for one route, in memory: one queue of item slots per client, in round-robin order, and where
 * each pending cache key sits (for coalescing). The items store mirrors the items, so this is rebuilt from it
 * when a task starts; nothing here needs a store of its own.
 *
 * <p>Design notes: owned by one task's processor, so single-threaded. Round-robin: the client at the head of
 * {@code turns} gives one item, then goes to the back if it has more; a client whose item does not fit the token
 * budget stays at the head and goes first in the next batch.
 */
final class RouteState {
    private static final char SEP = '\u0000';
    private final String route;
    private final Lane lane;
    private final long openedAtMs;
    private final ArrayDeque<ClientLine> turns = new ArrayDeque<>();
    private final Map<String, ClientLine> lines = new HashMap<>();
    private final PendingByCacheKey locations = new PendingByCacheKey();
    private final Predicate<String> rated;
    /** Clients in {@code lines} that have a rate: see {@link #holdsRatedClients}. */
    private int ratedLines;
    /**
     * No item of a client with a rate has a deadline before this: {@link #takeOverdue} looks through the lines
     * only once it has passed. Items leaving in batches do not raise it; the next look does.
     */
    private long earliestRatedDeadline = Long.MAX_VALUE;
    private long nextSeq;
    private int items;
    private long tokens;
    private long bytes;
    private int requests;

    private record ClientLine(String clientId, ArrayDeque<PendingSlot> slots, boolean rated) {
    }

    /** A batch's items (and their slots and request bytes), and the items that expired before their turn. */
    record Taken(List<BatchItem> items, List<PendingSlot> slots, List<byte[]> requestBytes,
            List<PendingSlot> expired) {
    }

    /** For {@link #take}: deadlines are not looked at. */
    static final long NO_DEADLINES = Long.MIN_VALUE;

    RouteState(String route, Lane lane, long openedAtMs) {
        this(route, lane, openedAtMs, client -> false);
    }

    /** @param rated whether a client has a rate, asked once per client line */
    RouteState(String route, Lane lane, long openedAtMs, Predicate<String> rated) {
        this.route = route;
        this.lane = lane;
        this.openedAtMs = openedAtMs;
        this.rated = rated;
    }

    /**
     * Item keys are {@code seq NUL route}: the sequence first, so the sorted maps of the record cache and the
     * in-memory store tell keys apart in a few bytes instead of comparing the shared route prefix every time.
     */
    static String itemKey(long seq, String route) {
        return Long.toString(seq) + SEP + route;
    }

    static String routeOf(String itemKey) {
        return itemKey.substring(itemKey.indexOf(SEP) + 1);
    }

    static long seqOf(String itemKey) {
        return Long.parseLong(itemKey.substring(0, itemKey.indexOf(SEP)));
    }

    String route() {
        return route;
    }

    Lane lane() {
        return lane;
    }

    long openedAtMs() {
        return openedAtMs;
    }

    int items() {
        return items;
    }

    long tokens() {
        return tokens;
    }

    int requests() {
        return requests;
    }

    /** What the pending items take in batch records, at least ({@link PendingItem#wireBytes}). */
    long bytes() {
        return bytes;
    }

    /** How many items of this client are pending here. */
    int queued(String clientId) {
        ClientLine line = lines.get(clientId);
        return line == null ? 0 : line.slots().size();
    }

    boolean isEmpty() {
        return items == 0;
    }

    /** Whether any pending item is of a client with a rate (whose turns the quota may pass over). */
    boolean holdsRatedClients() {
        return ratedLines > 0;
    }

    /** The slot of the pending item with this cache key, or null. */
    PendingSlot locate(String cacheKey) {
        return locations.get(cacheKey);
    }

    /** Adds a new item; returns its slot, whose key in the items store is {@code seq NUL route}. */
    PendingSlot add(PendingItem item) {
        return put(new PendingSlot(nextSeq, route, item));
    }

    /** Puts back an item read from the store (keys in arrival order); returns its slot, marked stored. */
    PendingSlot restore(String key, PendingItem item) {
        PendingSlot slot = PendingSlot.restored(route, key, item);
        nextSeq = Math.max(nextSeq, slot.seq());
        return put(slot);
    }

    private PendingSlot put(PendingSlot slot) {
        PendingItem item = slot.item();
        nextSeq++;
        items++;
        locations.put(slot);
        ClientLine line = lines.computeIfAbsent(item.clientId(), id -> {
            ClientLine created = new ClientLine(id, new ArrayDeque<>(), rated.test(id));
            if (created.rated()) {
                ratedLines++;
            }
            turns.addLast(created);
            return created;
        });
        line.slots().addLast(slot);
        if (line.rated()) {
            earliestRatedDeadline = Math.min(earliestRatedDeadline, item.deadlineMs());
        }
        tokens += item.tokens();
        bytes += item.wireBytes();
        requests += item.item().requesters().size();
        return slot;
    }

    /** Adds a requester to the pending item in {@code slot}. */
    void coalesce(PendingSlot slot, Requester requester) {
        slot.update(slot.item().withRequester(requester));
        requests++;
        bytes += PendingItem.MAX_REQUESTER_BYTES;
    }

    /**
     * One batch: an item per client in turn, up to {@code maxItems}, stopping before the token budget or the
     * byte budget overflows (the first item goes whatever its size). A client without quota ({@code quota} says
     * no) is passed over, keeping its items, until none is left that may go. Unless {@code nowMs} is
     * {@link #NO_DEADLINES}, an item whose deadline has passed by then leaves as expired when its turn comes,
     * taking no quota and no place in the batch.
     */
    Taken take(int maxItems, long maxTokens, long maxBytes, Predicate<String> quota, long nowMs) {
        int most = Math.min(maxItems, items);
        List<BatchItem> batch = new ArrayList<>(most);
        List<PendingSlot> slots = new ArrayList<>(most);
        List<byte[]> requestBytes = new ArrayList<>(most);
        List<PendingSlot> expired = List.of();
        long batchTokens = 0;
        long batchBytes = 0;
        int passedOver = 0;
        while (batch.size() < maxItems && passedOver < turns.size()) {
            ClientLine line = turns.peekFirst();
            PendingSlot slot = line.slots().peekFirst();
            PendingItem next = slot.item();
            if (nowMs != NO_DEADLINES && next.expiredAt(nowMs)) {
                line.slots().pollFirst();
                if (line.slots().isEmpty()) {
                    turns.pollFirst();
                    drop(line);
                }
                remove(slot, next, next.wireBytes());
                if (expired.isEmpty()) {
                    expired = new ArrayList<>();
                }
                expired.add(slot);
                continue;
            }
            long nextBytes = next.wireBytes();
            if (!batch.isEmpty() && (batchTokens + next.tokens() > maxTokens || batchBytes + nextBytes > maxBytes)) {
                break;
            }
            turns.pollFirst();
            if (!quota.test(line.clientId())) {
                turns.addLast(line);
                passedOver++;
                continue;
            }
            passedOver = 0;
            line.slots().pollFirst();
            if (line.slots().isEmpty()) {
                drop(line);
            } else {
                turns.addLast(line);
            }
            remove(slot, next, nextBytes);
            batchTokens += next.tokens();
            batchBytes += nextBytes;
            batch.add(next.item());
            slots.add(slot);
            requestBytes.add(next.requestBytes());
        }
        return new Taken(batch, slots, requestBytes, expired);
    }

    /**
     * Takes out every item of a client with a rate whose deadline has passed by {@code nowMs}, wherever it waits
     * in its client's line. {@link #take} looks only at the head of each line, and an item of a client over its
     * rate can sit many windows behind that client's earlier ones: its requesters should hear at about their
     * deadline, not when its turn would have come. Lines of clients without a rate empty every window.
     */
    List<PendingSlot> takeOverdue(long nowMs) {
        if (ratedLines == 0 || nowMs < earliestRatedDeadline) {
            return List.of();
        }
        List<PendingSlot> overdue = List.of();
        long earliest = Long.MAX_VALUE;
        for (Iterator<ClientLine> turn = turns.iterator(); turn.hasNext(); ) {
            ClientLine line = turn.next();
            if (!line.rated()) {
                continue;
            }
            for (Iterator<PendingSlot> slots = line.slots().iterator(); slots.hasNext(); ) {
                PendingSlot slot = slots.next();
                PendingItem item = slot.item();
                if (!item.expiredAt(nowMs)) {
                    earliest = Math.min(earliest, item.deadlineMs());
                    continue;
                }
                slots.remove();
                remove(slot, item, item.wireBytes());
                if (overdue.isEmpty()) {
                    overdue = new ArrayList<>();
                }
                overdue.add(slot);
            }
            if (line.slots().isEmpty()) {
                turn.remove();
                drop(line);
            }
        }
        earliestRatedDeadline = earliest;
        return overdue;
    }

    Taken take(int maxItems, long maxTokens) {
        return take(maxItems, maxTokens, Long.MAX_VALUE, client -> true, NO_DEADLINES);
    }

    private void drop(ClientLine line) {
        lines.remove(line.clientId());
        if (line.rated()) {
            ratedLines--;
        }
    }

    /** Accounts for a slot leaving the route, in a batch or expired; the caller has its item and size at hand. */
    private void remove(PendingSlot slot, PendingItem item, long wireBytes) {
        items--;
        slot.taken = true;
        tokens -= item.tokens();
        bytes -= wireBytes;
        requests -= item.item().requesters().size();
    }
}

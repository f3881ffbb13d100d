package dev.athena.collector.window;

import dev.athena.schemas.message.Requester;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The items of rate-limited clients that wait beyond what their routes keep in memory, in a changelogged store of
 * their own (RocksDB in production), so that a client sending far over its quota fills a disk, not the heap, and
 * a restart does not read its whole backlog into memory. Each (route, client) is a queue: keys are
 * {@code route NUL client NUL seq}, the sequence as sixteen hex digits so that the store's byte order is arrival
 * order, and a prefix scan hands out the oldest first. A question the client asks again while it waits joins the
 * waiting item as another requester ({@link #coalesce}), so a backlog asked twice still costs one provider call.
 *
 * <p>In memory: counts, and per queue where each waiting question sits, by a 64-bit hash of its cache key (two
 * boxed longs and a map entry, some 70 bytes an item, where the item itself would take a kilobyte or more). A hash
 * that matches another question is caught by comparing the stored item's cache key: the request then waits as an
 * item of its own, as it would without the index. Items with a deadline are also kept in deadline order (some 80
 * bytes an item), so one whose deadline passes leaves at once ({@link #takeOverdue}) rather than when its queue
 * reaches it, which for a client far over its rate can be long after. Single-threaded, like the task that owns it;
 * writes go to the store at once (not held back like the window's): this is the overload path, where a write per
 * item is the price of a bounded heap.
 */
final class WaitingItems {
    private static final char SEP = '\u0000';
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, PendingItem> store;
    /** route → client → items waiting. */
    private final Map<String, Map<String, Integer>> counts = new HashMap<>();
    /** Per queue: {@link #questionHash} of a waiting item's cache key → its sequence. */
    private final Map<Queue, Map<Long, Long>> questions = new HashMap<>();
    /** Items that have a deadline, the soonest first (sequences are unique, so they break ties). */
    private final TreeSet<Due> due = new TreeSet<>(Comparator.comparingLong(Due::deadlineMs)
            .thenComparingLong(Due::seq));
    private long nextSeq;
    private long items;
    private long requests;

    /** A (route, client) queue with items in the store. */
    record Queue(String route, String clientId) {
    }

    /** Where an item with a deadline waits. */
    private record Due(long deadlineMs, Queue queue, long seq) {
    }

    /** An item taken out of its queue because its deadline passed while it waited. */
    record Overdue(String route, PendingItem item) {
    }

    /** Reads the counts (and where the sequence is) from the store, which a task start has restored. */
    WaitingItems(KeyValueStore<String, PendingItem> store) {
        this.store = store;
        try (KeyValueIterator<String, PendingItem> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, PendingItem> kv = all.next();
                int clientEnd = kv.key.lastIndexOf(SEP);
                int routeEnd = kv.key.lastIndexOf(SEP, clientEnd - 1);
                String route = kv.key.substring(0, routeEnd);
                String clientId = kv.key.substring(routeEnd + 1, clientEnd);
                counts.computeIfAbsent(route, r -> new HashMap<>()).merge(clientId, 1, Integer::sum);
                long seq = Long.parseUnsignedLong(kv.key.substring(clientEnd + 1), 16);
                Queue queue = new Queue(route, clientId);
                indexQuestion(queue, kv.value, seq);
                indexDeadline(queue, kv.value, seq);
                nextSeq = Math.max(nextSeq, seq + 1);
                items++;
                requests += kv.value.item().requesters().size();
            }
        }
    }

    boolean isEmpty() {
        return items == 0;
    }

    long items() {
        return items;
    }

    /** Requesters of the waiting items (each item carries one or more). */
    long requests() {
        return requests;
    }

    boolean holds(String route, String clientId) {
        Map<String, Integer> clients = counts.get(route);
        return clients != null && clients.containsKey(clientId);
    }

    /** Puts an item at the back of its (route, client) queue. */
    void add(String route, String clientId, PendingItem item) {
        long seq = nextSeq++;
        store.put(key(route, clientId, seq), item);
        Queue queue = new Queue(route, clientId);
        indexQuestion(queue, item, seq);
        indexDeadline(queue, item, seq);
        counts.computeIfAbsent(route, r -> new HashMap<>()).merge(clientId, 1, Integer::sum);
        items++;
        requests += item.item().requesters().size();
    }

    /**
     * Adds {@code requester} to the waiting item of this (route, client) queue that asks the same question, if
     * there is one with room for another requester; returns whether it did. The item keeps its place in the queue.
     */
    boolean coalesce(String route, String clientId, String cacheKey, Requester requester, int maxRequesters) {
        Map<Long, Long> asked = questions.get(new Queue(route, clientId));
        Long seq = asked == null ? null : asked.get(questionHash(cacheKey));
        if (seq == null) {
            return false;
        }
        String key = key(route, clientId, seq);
        PendingItem item = store.get(key);
        if (item == null || !item.item().cacheKey().equals(cacheKey)
                || item.item().requesters().size() >= maxRequesters) {
            return false;
        }
        store.put(key, item.withRequester(requester));
        requests++;
        return true;
    }

    /** Every queue that has items, in no particular order. */
    List<Queue> queues() {
        List<Queue> queues = new ArrayList<>();
        counts.forEach((route, clients) -> clients.keySet().forEach(c -> queues.add(new Queue(route, c))));
        return queues;
    }

    /** Takes up to {@code most} of a queue's oldest items out of the store, in arrival order. */
    List<PendingItem> take(Queue queue, int most) {
        List<String> keys = new ArrayList<>();
        List<PendingItem> taken = new ArrayList<>();
        try (KeyValueIterator<String, PendingItem> oldest =
                store.prefixScan(prefix(queue.route(), queue.clientId()), KEYS)) {
            while (taken.size() < most && oldest.hasNext()) {
                KeyValue<String, PendingItem> kv = oldest.next();
                keys.add(kv.key);
                taken.add(kv.value);
            }
        }
        keys.forEach(store::delete);
        for (int i = 0; i < taken.size(); i++) {
            String key = keys.get(i);
            long seq = Long.parseUnsignedLong(key.substring(key.lastIndexOf(SEP) + 1), 16);
            PendingItem item = taken.get(i);
            if (item.deadlineMs() != Long.MAX_VALUE) {
                due.remove(new Due(item.deadlineMs(), queue, seq));
            }
            forget(queue, item, seq);
        }
        return taken;
    }

    /**
     * Takes out every item whose deadline has passed by {@code nowMs}, wherever it waits in its queue; looks at
     * nothing else, so a tick with no deadline due costs one comparison.
     */
    List<Overdue> takeOverdue(long nowMs) {
        List<Overdue> overdue = List.of();
        while (!due.isEmpty() && due.first().deadlineMs() <= nowMs) {
            Due next = due.pollFirst();
            PendingItem item = store.delete(key(next.queue().route(), next.queue().clientId(), next.seq()));
            forget(next.queue(), item, next.seq());
            if (overdue.isEmpty()) {
                overdue = new ArrayList<>();
            }
            overdue.add(new Overdue(next.queue().route(), item));
        }
        return overdue;
    }

    /** Accounts for an item that has left the store and the deadline index. */
    private void forget(Queue queue, PendingItem item, long seq) {
        Map<Long, Long> asked = questions.get(queue);
        if (asked != null) {
            // a later item of the same question may have taken the entry over (its predecessor was full)
            asked.remove(questionHash(item.item().cacheKey()), seq);
            if (asked.isEmpty()) {
                questions.remove(queue);
            }
        }
        Map<String, Integer> clients = counts.get(queue.route());
        if (clients != null) {
            int left = clients.getOrDefault(queue.clientId(), 0) - 1;
            if (left > 0) {
                clients.put(queue.clientId(), left);
            } else {
                clients.remove(queue.clientId());
                if (clients.isEmpty()) {
                    counts.remove(queue.route());
                }
            }
        }
        items--;
        requests -= item.item().requesters().size();
    }

    private static String prefix(String route, String clientId) {
        return route + SEP + clientId + SEP;
    }

    private static String key(String route, String clientId, long seq) {
        return prefix(route, clientId) + String.format("%016x", seq);
    }

    /** The newest item of a question is the one later requesters join: an older one is full, or gone. */
    private void indexQuestion(Queue queue, PendingItem item, long seq) {
        questions.computeIfAbsent(queue, q -> new HashMap<>()).put(questionHash(item.item().cacheKey()), seq);
    }

    private void indexDeadline(Queue queue, PendingItem item, long seq) {
        long deadline = item.deadlineMs();
        if (deadline != Long.MAX_VALUE) {
            due.add(new Due(deadline, queue, seq));
        }
    }

    /**
     * FNV-1a over the key's characters: 64 bits, where the 32 of {@link String#hashCode} already collide among
     * tens of thousands of keys.
     */
    static long questionHash(String cacheKey) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < cacheKey.length(); i++) {
            hash ^= cacheKey.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}

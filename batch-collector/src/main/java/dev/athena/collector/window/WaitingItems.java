package dev.athena.collector.window;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The items of rate-limited clients that wait beyond what their routes keep in memory, in a changelogged store of
 * their own (RocksDB in production), so that a client sending far over its quota fills a disk, not the heap, and
 * a restart does not read its whole backlog into memory. Each (route, client) is a queue: keys are
 * {@code route NUL client NUL seq}, the sequence as sixteen hex digits so that the store's byte order is arrival
 * order, and a prefix scan hands out the oldest first.
 *
 * <p>Only counts live in memory. Single-threaded, like the task that owns it; writes go to the store at once (not
 * held back like the window's): this is the overload path, where a write per item is the price of a bounded heap.
 */
final class WaitingItems {
    private static final char SEP = '\u0000';
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, PendingItem> store;
    /** route → client → items waiting. */
    private final Map<String, Map<String, Integer>> counts = new HashMap<>();
    private long nextSeq;
    private long items;
    private long requests;

    /** A (route, client) queue with items in the store. */
    record Queue(String route, String clientId) {
    }

    /** Reads the counts (and where the sequence is) from the store, which a task start has restored. */
    WaitingItems(KeyValueStore<String, PendingItem> store) {
        this.store = store;
        try (KeyValueIterator<String, PendingItem> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, PendingItem> kv = all.next();
                int clientEnd = kv.key.lastIndexOf(SEP);
                int routeEnd = kv.key.lastIndexOf(SEP, clientEnd - 1);
                counts.computeIfAbsent(kv.key.substring(0, routeEnd), r -> new HashMap<>())
                        .merge(kv.key.substring(routeEnd + 1, clientEnd), 1, Integer::sum);
                nextSeq = Math.max(nextSeq, Long.parseUnsignedLong(kv.key.substring(clientEnd + 1), 16) + 1);
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
        store.put(prefix(route, clientId) + String.format("%016x", nextSeq++), item);
        counts.computeIfAbsent(route, r -> new HashMap<>()).merge(clientId, 1, Integer::sum);
        items++;
        requests += item.item().requesters().size();
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
        Map<String, Integer> clients = counts.get(queue.route());
        if (clients != null) {
            int left = clients.getOrDefault(queue.clientId(), 0) - taken.size();
            if (left > 0) {
                clients.put(queue.clientId(), left);
            } else {
                clients.remove(queue.clientId());
                if (clients.isEmpty()) {
                    counts.remove(queue.route());
                }
            }
        }
        items -= taken.size();
        taken.forEach(item -> requests -= item.item().requesters().size());
        return taken;
    }

    private static String prefix(String route, String clientId) {
        return route + SEP + clientId + SEP;
    }
}

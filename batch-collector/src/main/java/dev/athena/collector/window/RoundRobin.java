package dev.athena.collector.window;

import dev.athena.schemas.message.BatchItem;
import java.util.ArrayList;
import java.util.List;

/**
 * Forms one batch from a route's client queues, one item per client in turn, so a client with a flood of work
 * shares each batch with everyone else waiting instead of filling it. Stops at {@code maxItems}, or before the
 * next item would exceed {@code maxTokens} (an item over the budget on its own leads a batch alone). The client
 * that did not get its turn goes first next time.
 */
final class RoundRobin {
    private RoundRobin() {
    }

    record Taken(List<BatchItem> items, RouteWindow rest) {
    }

    static Taken take(RouteWindow window, WindowStores stores, int maxItems, long maxTokens) {
        List<ClientQueue> queues = new ArrayList<>(window.clients());
        List<BatchItem> batch = new ArrayList<>();
        long tokens = 0;
        int requests = 0;
        int turn = 0;
        boolean budgetFull = false;
        while (batch.size() < maxItems && !budgetFull && queues.stream().anyMatch(q -> !q.isEmpty())) {
            ClientQueue queue = queues.get(turn);
            if (!queue.isEmpty()) {
                String key = WindowStores.itemKey(window.route(), queue.clientId(), queue.head());
                PendingItem next = stores.item(key);
                if (!batch.isEmpty() && tokens + next.tokens() > maxTokens) {
                    budgetFull = true;
                    continue;
                }
                stores.removeItem(window.route(), key, next);
                batch.add(next.item());
                tokens += next.tokens();
                requests += next.item().requesters().size();
                queues.set(turn, queue.popped());
            }
            turn = (turn + 1) % queues.size();
        }
        List<ClientQueue> rest = new ArrayList<>();
        for (int i = 0; i < queues.size(); i++) {
            ClientQueue queue = queues.get((turn + i) % queues.size());
            if (!queue.isEmpty()) {
                rest.add(queue);
            }
        }
        return new Taken(batch, window.drained(rest, batch.size(), tokens, requests));
    }
}

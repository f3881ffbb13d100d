package dev.athena.collector.window;

import dev.athena.schemas.message.Lane;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What is pending for one route, as kept in the windows store: when the window opened, the totals that decide
 * when it is full, and one queue per client in round-robin order. The items live in the items store, so adding
 * a request rewrites one item and this small head, never the whole window.
 */
record RouteWindow(String route, Lane lane, long openedAtMs, int items, long tokens, int requests,
        List<ClientQueue> clients) {
    RouteWindow {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(lane, "lane");
        clients = List.copyOf(clients);
    }

    static RouteWindow open(String route, Lane lane, long now) {
        return new RouteWindow(route, lane, now, 0, 0, 0, List.of());
    }

    boolean isEmpty() {
        return items == 0;
    }

    /** Adds an item at the tail of its client's queue; returns the new head and the item's sequence number. */
    RouteWindow pushed(String clientId, long itemTokens) {
        List<ClientQueue> queues = new ArrayList<>(clients);
        int at = indexOf(clientId);
        if (at < 0) {
            queues.add(new ClientQueue(clientId, 0, 1));
        } else {
            queues.set(at, queues.get(at).pushed());
        }
        return new RouteWindow(route, lane, openedAtMs, items + 1, tokens + itemTokens, requests + 1, queues);
    }

    long tailOf(String clientId) {
        int at = indexOf(clientId);
        return at < 0 ? 0 : clients.get(at).tail();
    }

    RouteWindow plusRequester() {
        return new RouteWindow(route, lane, openedAtMs, items, tokens, requests + 1, clients);
    }

    RouteWindow drained(List<ClientQueue> remaining, int itemsTaken, long tokensTaken, int requestsTaken) {
        return new RouteWindow(route, lane, openedAtMs, items - itemsTaken, tokens - tokensTaken,
                requests - requestsTaken, remaining);
    }

    private int indexOf(String clientId) {
        for (int i = 0; i < clients.size(); i++) {
            if (clients.get(i).clientId().equals(clientId)) {
                return i;
            }
        }
        return -1;
    }
}

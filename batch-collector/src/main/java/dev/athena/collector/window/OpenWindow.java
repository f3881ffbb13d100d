package dev.athena.collector.window;

import dev.athena.schemas.message.Lane;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The head of one route's open window as kept in the windows store. The items themselves live in the items
 * store under {@code route#slot}, so adding a request rewrites one item and this small head, never the whole
 * window. {@code cacheKeys} lists the slots in arrival order.
 */
record OpenWindow(String route, Lane lane, long openedAtMs, String firstRequestId, long tokens, int requests,
        List<String> cacheKeys) {
    OpenWindow {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(firstRequestId, "firstRequestId");
        cacheKeys = List.copyOf(cacheKeys);
    }

    static OpenWindow open(String route, Lane lane, long now, String firstRequestId) {
        return new OpenWindow(route, lane, now, firstRequestId, 0, 0, List.of());
    }

    int items() {
        return cacheKeys.size();
    }

    OpenWindow plusItem(String cacheKey, long itemTokens) {
        List<String> keys = new ArrayList<>(cacheKeys);
        keys.add(cacheKey);
        return new OpenWindow(route, lane, openedAtMs, firstRequestId, tokens + itemTokens, requests + 1, keys);
    }

    OpenWindow plusRequester() {
        return new OpenWindow(route, lane, openedAtMs, firstRequestId, tokens, requests + 1, cacheKeys);
    }

    static String slotKey(String route, int slot) {
        return route + "#" + slot;
    }
}

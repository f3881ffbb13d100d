package dev.athena.collector.window;

import dev.athena.schemas.json.JsonSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The three changelogged stores of open windows: heads by route, pending items by route/client/sequence, and
 * where each pending cache key sits (for coalescing). Keys join their parts with NUL, which no route, client id
 * or cache key contains.
 */
final class WindowStores {
    static final String WINDOWS = "collector-windows";
    static final String ITEMS = "collector-window-items";
    static final String LOCATIONS = "collector-window-locations";
    private static final char SEP = '\u0000';

    private final KeyValueStore<String, RouteWindow> windows;
    private final KeyValueStore<String, PendingItem> items;
    private final KeyValueStore<String, String> locations;

    WindowStores(ProcessorContext<?, ?> context) {
        this.windows = context.getStateStore(WINDOWS);
        this.items = context.getStateStore(ITEMS);
        this.locations = context.getStateStore(LOCATIONS);
    }

    static List<StoreBuilder<?>> builders(Function<String, KeyValueBytesStoreSupplier> kind) {
        return List.of(
                Stores.keyValueStoreBuilder(kind.apply(WINDOWS), Serdes.String(), JsonSerde.of(RouteWindow.class)),
                Stores.keyValueStoreBuilder(kind.apply(ITEMS), Serdes.String(), JsonSerde.of(PendingItem.class)),
                Stores.keyValueStoreBuilder(kind.apply(LOCATIONS), Serdes.String(), Serdes.String()));
    }

    RouteWindow window(String route) {
        return windows.get(route);
    }

    void put(RouteWindow window) {
        if (window.isEmpty()) {
            windows.delete(window.route());
        } else {
            windows.put(window.route(), window);
        }
    }

    List<RouteWindow> all() {
        List<RouteWindow> all = new ArrayList<>();
        try (KeyValueIterator<String, RouteWindow> it = windows.all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        return all;
    }

    /** The item key of a pending cache key in a route, or null when none is pending. */
    String locate(String route, String cacheKey) {
        return locations.get(route + SEP + cacheKey);
    }

    static String itemKey(String route, String clientId, long seq) {
        return route + SEP + clientId + SEP + seq;
    }

    PendingItem item(String itemKey) {
        return items.get(itemKey);
    }

    void putItem(String route, String itemKey, PendingItem item) {
        items.put(itemKey, item);
        locations.put(route + SEP + item.item().cacheKey(), itemKey);
    }

    void replaceItem(String itemKey, PendingItem item) {
        items.put(itemKey, item);
    }

    void removeItem(String route, String itemKey, PendingItem item) {
        items.delete(itemKey);
        locations.delete(route + SEP + item.item().cacheKey());
    }
}

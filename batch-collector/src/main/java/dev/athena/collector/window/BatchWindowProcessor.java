package dev.athena.collector.window;

import dev.athena.collector.CollectorSettings;
import dev.athena.collector.admission.Admitted;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.collector.metrics.CollectorMetrics.CloseReason;
import dev.athena.schemas.json.JsonSerde;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.SchemaVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Micro-batching per route (provider/model/lane). A window opens on its first item and closes after its lane's
 * window on the Streams wall-clock (so a quiet route still flushes), or at once when it reaches {@code maxItems}
 * or would exceed the token budget. Requests with the same cache key inside a window become one item with all
 * their requesters.
 *
 * <p>Open windows live in two changelogged stores, written before the input offset commits in the same
 * exactly-once transaction: a restart resumes them, and a batch is emitted in the transaction that deletes its
 * window, so nothing is lost or emitted twice. Batch ids are derived from the route and the window's first
 * request id, which admission makes unique.
 */
public final class BatchWindowProcessor implements Processor<String, Admitted, String, AnalysisBatch> {
    public static final String WINDOWS_STORE = "collector-windows";
    public static final String ITEMS_STORE = "collector-window-items";

    private final CollectorSettings settings;
    private final CollectorMetrics metrics;
    private ProcessorContext<String, AnalysisBatch> context;
    private KeyValueStore<String, OpenWindow> windows;
    private KeyValueStore<String, BatchItem> items;
    private long restoredRequests;

    public BatchWindowProcessor(CollectorSettings settings, CollectorMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    /** How often windows are checked: a fifth of the shorter window, so a batch leaves at most that late. */
    public static Duration tick(CollectorSettings settings) {
        Duration shorter = settings.interactiveWindow().compareTo(settings.bulkWindow()) <= 0
                ? settings.interactiveWindow() : settings.bulkWindow();
        Duration tick = shorter.dividedBy(5);
        return tick.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : tick;
    }

    /** The stores of open windows: heads by route, items by {@code route#slot}. */
    public static List<StoreBuilder<?>> stores() {
        return List.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOWS_STORE), Serdes.String(),
                        JsonSerde.of(OpenWindow.class)),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ITEMS_STORE), Serdes.String(),
                        JsonSerde.of(BatchItem.class)));
    }

    @Override
    public void init(ProcessorContext<String, AnalysisBatch> context) {
        this.context = context;
        this.windows = context.getStateStore(WINDOWS_STORE);
        this.items = context.getStateStore(ITEMS_STORE);
        try (KeyValueIterator<String, OpenWindow> all = windows.all()) {
            all.forEachRemaining(kv -> restoredRequests += kv.value.requests());
        }
        metrics.openRecordsRestored(restoredRequests);
        context.schedule(tick(settings), PunctuationType.WALL_CLOCK_TIME, this::closeDueWindows);
    }

    @Override
    public void process(Record<String, Admitted> record) {
        Admitted admitted = record.value();
        String route = admitted.route().key();
        long now = context.currentSystemTimeMs();
        OpenWindow window = windows.get(route);
        if (window != null) {
            int slot = window.cacheKeys().indexOf(admitted.cacheKey());
            if (slot >= 0) {
                coalesce(window, slot, admitted.requester());
                return;
            }
        }
        long tokens = TokenEstimate.of(admitted.request());
        if (window != null && window.tokens() + tokens > settings.maxTokens()) {
            emit(window, now, CloseReason.TOKENS);
            window = null;
        }
        if (window == null) {
            window = OpenWindow.open(route, admitted.route().lane(), now, admitted.request().requestId());
        }
        items.put(OpenWindow.slotKey(route, window.items()),
                new BatchItem(admitted.cacheKey(), admitted.request(), List.of(admitted.requester())));
        window = window.plusItem(admitted.cacheKey(), tokens);
        if (window.items() >= settings.maxItems()) {
            emit(window, now, CloseReason.ITEMS);
        } else if (window.tokens() >= settings.maxTokens()) {
            emit(window, now, CloseReason.TOKENS);
        } else {
            windows.put(route, window);
        }
    }

    @Override
    public void close() {
        // the windows stay in the store for whoever owns this task next; they are not open here any more
        long open = 0;
        if (windows != null) {
            try (KeyValueIterator<String, OpenWindow> all = windows.all()) {
                while (all.hasNext()) {
                    open += all.next().value.requests();
                }
            } catch (RuntimeException e) {
                open = 0;
            }
        }
        metrics.openRecordsRestored(-open);
    }

    private void coalesce(OpenWindow window, int slot, Requester requester) {
        String key = OpenWindow.slotKey(window.route(), slot);
        BatchItem item = items.get(key);
        List<Requester> requesters = new ArrayList<>(item.requesters());
        requesters.add(requester);
        items.put(key, new BatchItem(item.cacheKey(), item.request(), requesters));
        windows.put(window.route(), window.plusRequester());
        metrics.coalesced();
    }

    private void closeDueWindows(long now) {
        List<OpenWindow> due = new ArrayList<>();
        try (KeyValueIterator<String, OpenWindow> all = windows.all()) {
            while (all.hasNext()) {
                OpenWindow window = all.next().value;
                if (now - window.openedAtMs() >= settings.window(window.lane()).toMillis()) {
                    due.add(window);
                }
            }
        }
        // interactive first: within one tick, bulk never goes ahead of interactive
        due.sort(Comparator.comparing((OpenWindow w) -> w.lane() != Lane.INTERACTIVE)
                .thenComparingLong(OpenWindow::openedAtMs));
        due.forEach(window -> emit(window, now, CloseReason.TIME));
    }

    private void emit(OpenWindow window, long now, CloseReason reason) {
        List<BatchItem> batchItems = new ArrayList<>(window.items());
        for (int slot = 0; slot < window.items(); slot++) {
            String key = OpenWindow.slotKey(window.route(), slot);
            batchItems.add(items.get(key));
            items.delete(key);
        }
        windows.delete(window.route());
        AnalysisBatch batch = new AnalysisBatch(SchemaVersion.CURRENT, batchId(window), window.route(),
                Instant.ofEpochMilli(window.openedAtMs()), Instant.ofEpochMilli(now), batchItems);
        metrics.batchClosed(window.lane(), reason, batchItems.size(), batch.requestCount(),
                Duration.ofMillis(Math.max(0, now - window.openedAtMs())));
        context.forward(new Record<>(window.route(), batch, now));
    }

    static String batchId(OpenWindow window) {
        return UUID.nameUUIDFromBytes(("batch:" + window.route() + ":" + window.firstRequestId())
                .getBytes(StandardCharsets.UTF_8)).toString();
    }
}

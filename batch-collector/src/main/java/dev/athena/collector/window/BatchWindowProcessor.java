package dev.athena.collector.window;

import dev.athena.collector.CollectorSettings;
import dev.athena.collector.admission.Admitted;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.collector.metrics.CollectorMetrics.CloseReason;
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
import java.util.function.Function;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Micro-batching per route (provider/model/lane). A window opens on its first item and closes after its lane's
 * window on the Streams wall-clock (so a quiet route still flushes), or earlier, at the next tick, once it holds
 * {@code maxItems} items or its token budget. Requests with the same cache key pending in a route become one
 * item with all their requesters.
 *
 * <p>Design notes. Windows are checked every {@link #tick}, not on each record: what arrived within one tick is
 * then shared out {@link RoundRobin round-robin} across clients, so one client's flood cannot push another
 * client's request behind it; the price is at most one tick of extra latency for a full window. Interactive
 * windows are closed before bulk ones in every tick and each lane has its own window length, so bulk never delays
 * interactive here. Open windows live in changelogged stores written in the same exactly-once transaction as the
 * input offsets and the emitted batch: a restart resumes them and nothing is lost or emitted twice. Batch ids
 * derive from the route and the first requester of the batch, whom admission made unique.
 */
public final class BatchWindowProcessor implements Processor<String, Admitted, String, AnalysisBatch> {
    private final CollectorSettings settings;
    private final CollectorMetrics metrics;
    private ProcessorContext<String, AnalysisBatch> context;
    private WindowStores stores;

    public BatchWindowProcessor(CollectorSettings settings, CollectorMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    /** The stores of open windows. */
    public static List<StoreBuilder<?>> stores(Function<String, KeyValueBytesStoreSupplier> kind) {
        return WindowStores.builders(kind);
    }

    /** How often windows are checked: a fifth of the shorter window, so a batch leaves at most that late. */
    public static Duration tick(CollectorSettings settings) {
        Duration shorter = settings.interactiveWindow().compareTo(settings.bulkWindow()) <= 0
                ? settings.interactiveWindow() : settings.bulkWindow();
        Duration tick = shorter.dividedBy(5);
        return tick.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : tick;
    }

    @Override
    public void init(ProcessorContext<String, AnalysisBatch> context) {
        this.context = context;
        this.stores = new WindowStores(context);
        metrics.openRecordsRestored(openRequests());
        context.schedule(tick(settings), PunctuationType.WALL_CLOCK_TIME, this::closeDueWindows);
    }

    @Override
    public void process(Record<String, Admitted> record) {
        Admitted admitted = record.value();
        String route = admitted.route().key();
        RouteWindow window = stores.window(route);
        if (window == null) {
            window = RouteWindow.open(route, admitted.route().lane(), context.currentSystemTimeMs());
        }
        String pending = stores.locate(route, admitted.cacheKey());
        if (pending != null) {
            coalesce(window, pending, admitted.requester());
            return;
        }
        String clientId = admitted.request().clientId();
        String itemKey = WindowStores.itemKey(route, clientId, window.tailOf(clientId));
        long tokens = TokenEstimate.of(admitted.request());
        stores.putItem(route, itemKey, new PendingItem(
                new BatchItem(admitted.cacheKey(), admitted.request(), List.of(admitted.requester())), tokens));
        stores.put(window.pushed(clientId, tokens));
    }

    @Override
    public void close() {
        // the windows stay in the stores for whoever owns this task next; they are no longer open here
        try {
            metrics.openRecordsRestored(-openRequests());
        } catch (RuntimeException e) {
            // stores already closed: nothing to account for
        }
    }

    private long openRequests() {
        return stores.all().stream().mapToLong(RouteWindow::requests).sum();
    }

    private void coalesce(RouteWindow window, String itemKey, Requester requester) {
        PendingItem pending = stores.item(itemKey);
        List<Requester> requesters = new ArrayList<>(pending.item().requesters());
        requesters.add(requester);
        BatchItem item = pending.item();
        stores.replaceItem(itemKey, new PendingItem(new BatchItem(item.cacheKey(), item.request(), requesters),
                pending.tokens()));
        stores.put(window.plusRequester());
        metrics.coalesced();
    }

    private void closeDueWindows(long now) {
        List<RouteWindow> windows = stores.all();
        // interactive first: within one tick, bulk never goes ahead of interactive
        windows.sort(Comparator.comparing((RouteWindow w) -> w.lane() != Lane.INTERACTIVE)
                .thenComparingLong(RouteWindow::openedAtMs));
        for (RouteWindow window : windows) {
            boolean due = now - window.openedAtMs() >= settings.window(window.lane()).toMillis();
            RouteWindow current = window;
            while (!current.isEmpty() && (due || full(current))) {
                current = emit(current, now, due && !full(current) ? CloseReason.TIME
                        : current.items() >= settings.maxItems() ? CloseReason.ITEMS : CloseReason.TOKENS);
            }
            if (current != window) {
                stores.put(current);
            }
        }
    }

    private boolean full(RouteWindow window) {
        return window.items() >= settings.maxItems() || window.tokens() >= settings.maxTokens();
    }

    private RouteWindow emit(RouteWindow window, long now, CloseReason reason) {
        RoundRobin.Taken taken = RoundRobin.take(window, stores, settings.maxItems(), settings.maxTokens());
        AnalysisBatch batch = new AnalysisBatch(SchemaVersion.CURRENT, batchId(window.route(), taken.items()),
                window.route(), Instant.ofEpochMilli(window.openedAtMs()), Instant.ofEpochMilli(now), taken.items());
        metrics.batchClosed(window.lane(), reason, batch.items().size(), batch.requestCount(),
                Duration.ofMillis(Math.max(0, now - window.openedAtMs())));
        context.forward(new Record<>(window.route(), batch, now));
        return taken.rest();
    }

    static String batchId(String route, List<BatchItem> items) {
        String first = items.get(0).requesters().get(0).requestId();
        return UUID.nameUUIDFromBytes(("batch:" + route + ":" + first).getBytes(StandardCharsets.UTF_8)).toString();
    }
}

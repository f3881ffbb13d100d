package dev.athena.collector.window;

import dev.athena.collector.CollectorSettings;
import dev.athena.collector.admission.Admitted;
import dev.athena.collector.admission.DirectResults;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.collector.metrics.CollectorMetrics.CloseReason;
import dev.athena.collector.quota.QuotaGate;
import dev.athena.collector.state.CommitHook;
import dev.athena.collector.state.PromptCommit;
import dev.athena.collector.state.StoreKind;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.TopicSpec;
import dev.athena.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
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
 * window on the Streams wall-clock (so a quiet route still flushes), or earlier, as soon as it holds
 * {@code maxItems} items or its token budget. Requests with the same cache key pending in a route become one
 * item with all their requesters.
 *
 * <p>Design notes. Windows are checked for their time every {@link #tick}; a window that fills up leaves with the
 * record that filled it, while its items are still in the core's caches (read a tick later they were not, and
 * waiting on memory was much of what taking and writing a batch cost). A batch takes one item per client in
 * turn from what is pending ({@link RouteState#take}), the turn passing on from batch to batch, so a request that
 * arrives amid another client's flood goes in the next batch, behind none of the flood's later items. A route
 * holding items of a client with a rate leaves its full windows to the next tick instead: kept full by a client
 * over its rate, it would otherwise send every other client's item alone. Interactive windows are closed before
 * bulk ones in every tick and each lane has its own window length, so bulk never delays interactive here. Every
 * item still pending when Streams commits is in a changelogged store, written in the same exactly-once
 * transaction as the input offsets and the emitted batch ({@link ItemWriteBehind}); the in-memory routes are
 * rebuilt from it when the task starts, so a restart loses nothing and emits nothing twice.
 * Batch ids derive from the route and the first requester of the batch, whom admission made unique. Client
 * quotas act at batch formation: a client over its rate is passed over and its items wait in the window for a
 * later tick; they are never dropped (one whose deadline passes meanwhile leaves at the next tick as an EXPIRED
 * result, {@link DirectResults#expired}, wherever it waits among its client's items, in memory or on disk).
 * Beyond {@link #heldInMemory} items of one such client in a route, its further items wait in a store on disk
 * ({@link WaitingItems}) and move into the route, oldest first, as its turns use up the ones in memory: a client
 * far over its rate costs disk, not heap, and a question it asks again while the first waits there joins the
 * waiting item. An item of a rate-limited client takes no other client's request as a coalesced requester, so
 * nobody waits for someone else's quota.
 */
public final class BatchWindowProcessor implements Processor<String, Admitted, String, Object> {
    public static final String ITEMS_STORE = "collector-window-items";
    public static final String WAITING_STORE = "collector-window-waiting";
    static final String COMMIT_HOOK = "collector-window-commit-hook";
    /**
     * A batch closes before its items would take more than this in its record, so it fits the topic's
     * {@link Topics#MAX_RECORD_BYTES} with room for the envelope; one item alone is at most a request at
     * admission's record limit (a little over 6 MiB at the largest code limit) and its requesters.
     */
    static final long MAX_BATCH_BYTES = Topics.MAX_RECORD_BYTES * 3L / 4;
    /**
     * Requesters one item carries at most; more asking the same question in one window start a second item, so a
     * question asked by thousands at once never makes a record too large for the topic.
     */
    static final int MAX_REQUESTERS_PER_ITEM = 256;
    /** The defaults' tick (a fifth of 50 ms). */
    static final Duration MAX_TICK = Duration.ofMillis(10);

    private final CollectorSettings settings;
    private final CollectorMetrics metrics;
    private final Map<String, RouteState> routes = new HashMap<>();
    private final QuotaGate quotas;
    private final boolean anyoneLimited;
    private final Predicate<String> rated;
    private final int heldInMemory;
    private final Children children;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, PendingItem> store;
    private ItemWriteBehind writeBehind;
    private WaitingItems waiting;
    private PromptCommit promptCommit;
    private Cancellable ticker;

    /** Names of the downstream nodes: closed batches go to {@code batches}, expired items' results to the other. */
    public record Children(String batches, String expiredResults) {
    }

    public BatchWindowProcessor(CollectorSettings settings, CollectorMetrics metrics, Children children) {
        this.children = children;
        this.settings = settings;
        this.metrics = metrics;
        this.quotas = new QuotaGate(settings.quotas(), 1.0 / inputPartitions());
        this.anyoneLimited = quotas.limitsAnyone();
        this.rated = quotas::limits;
        this.heldInMemory = heldInMemory(settings);
    }

    /**
     * Items of one rate-limited client a route keeps in memory: two full batches or two bursts, whichever is more,
     * enough for every turn the client can have before the next tick moves more in from {@link WaitingItems}.
     */
    static int heldInMemory(CollectorSettings settings) {
        return 2 * Math.max(settings.maxItems(), settings.quotas().burst());
    }

    private static int inputPartitions() {
        return Topics.pipeline().stream().filter(t -> t.name().equals(Topics.REQUESTS)).findFirst()
                .map(TopicSpec::partitions).orElse(1);
    }

    /**
     * The store of pending items, key {@code seq NUL route}, and the hook that writes to it behind
     * ({@link ItemWriteBehind}): an item added and batched within one commit interval never reaches the store.
     * Kept in memory whatever {@code kind} the other stores are: it holds at most a few windows' worth of items,
     * it is read only when a task starts (from its changelog, which is what makes a restart safe), and RocksDB
     * cost two local writes per request here. No record cache: the hook does that job. The waiting items of
     * clients over their rates are the opposite case, so their store is of {@code kind} where {@code settings}
     * give anyone a rate; elsewhere it stays empty, and in memory it costs no RocksDB instance per task.
     */
    public static List<StoreBuilder<?>> stores(StoreKind kind, CollectorSettings settings) {
        StoreKind waiting = settings.quotas().limitsAnyone() ? kind : StoreKind.IN_MEMORY;
        return List.of(Stores.keyValueStoreBuilder(StoreKind.IN_MEMORY.keyValue(ITEMS_STORE), Serdes.String(),
                        new PendingItemSerde()).withCachingDisabled(),
                Stores.keyValueStoreBuilder(waiting.keyValue(WAITING_STORE), Serdes.String(), new PendingItemSerde())
                        .withCachingDisabled(),
                CommitHook.builder(COMMIT_HOOK));
    }

    /**
     * How often windows are checked: a fifth of the shorter window, so a batch leaves at most that late, and at
     * least every {@link #MAX_TICK}, so a window that fills up leaves promptly however long windows are set.
     */
    public static Duration tick(CollectorSettings settings) {
        Duration shorter = settings.interactiveWindow().compareTo(settings.bulkWindow()) <= 0
                ? settings.interactiveWindow() : settings.bulkWindow();
        Duration tick = shorter.dividedBy(5);
        if (tick.compareTo(MAX_TICK) > 0) {
            return MAX_TICK;
        }
        return tick.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : tick;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(ITEMS_STORE);
        restore();
        this.writeBehind = new ItemWriteBehind(store::put);
        CommitHook hook = context.getStateStore(COMMIT_HOOK);
        hook.onCommit("pending-items", writeBehind::flush);
        this.promptCommit = new PromptCommit(context, hook, "prompt-commit");
        this.waiting = new WaitingItems(context.getStateStore(WAITING_STORE));
        metrics.openRecordsRestored(openRequests() + waiting.requests());
        metrics.waitingChanged(waiting.items());
        // a task initialised again has lost the schedules of its earlier life
        ticker = null;
        tickWhileOpen();
    }

    /**
     * Checks windows every {@link #tick} while any is open or any item waits. Only then: a wall-clock punctuation
     * makes Streams prepare a commit of every task at each commit interval, even on an input that stays quiet.
     */
    private void tickWhileOpen() {
        boolean open = !routes.isEmpty() || !waiting.isEmpty();
        if (open && ticker == null) {
            ticker = context.schedule(tick(settings), PunctuationType.WALL_CLOCK_TIME, this::closeDueWindows);
        } else if (!open && ticker != null) {
            ticker.cancel();
            ticker = null;
        }
    }

    /** Rebuilds the routes from the store. */
    private void restore() {
        List<KeyValue<String, PendingItem>> pending = new ArrayList<>();
        try (KeyValueIterator<String, PendingItem> all = store.all()) {
            all.forEachRemaining(pending::add);
        }
        pending.sort(Comparator.comparingLong(kv -> RouteState.seqOf(kv.key)));
        for (KeyValue<String, PendingItem> kv : pending) {
            String route = RouteState.routeOf(kv.key);
            PendingItem item = kv.value;
            routes.computeIfAbsent(route, r -> new RouteState(r, item.item().request().lane(),
                    item.windowOpenedAtMs(), rated)).restore(kv.key, item);
        }
    }

    @Override
    public void process(Record<String, Admitted> record) {
        Admitted admitted = record.value();
        String route = admitted.route().key();
        RouteState state = routes.computeIfAbsent(route,
                r -> new RouteState(r, admitted.route().lane(), context.currentSystemTimeMs(), rated));
        if (ticker == null) {
            tickWhileOpen();
        }
        PendingSlot pending = state.locate(admitted.cacheKey());
        if (pending != null && pending.item().item().requesters().size() < MAX_REQUESTERS_PER_ITEM
                && mayCoalesce(pending, admitted.requester().clientId())) {
            state.coalesce(pending, admitted.requester());
            writeBehind.put(pending);
            metrics.coalesced();
            sendIfFull(state); // requesters count towards a batch's bytes
            return;
        }
        String client = admitted.requester().clientId();
        boolean limited = quotas.limits(client);
        if (limited && waiting.coalesce(route, client, admitted.cacheKey(), admitted.requester(),
                MAX_REQUESTERS_PER_ITEM)) {
            metrics.coalesced();
            return;
        }
        PendingItem item = new PendingItem(
                new BatchItem(admitted.cacheKey(), admitted.request(), List.of(admitted.requester())),
                TokenEstimate.of(admitted.request()), state.openedAtMs(), admitted.original());
        if (limited && (waiting.holds(route, client) || state.queued(client) >= heldInMemory)) {
            waiting.add(route, client, item);
            metrics.waitingChanged(1);
            return;
        }
        writeBehind.put(state.add(item));
        sendIfFull(state);
    }

    /**
     * Sends the batches of a window that has reached its caps, unless one of its clients has a rate: a route held
     * full by a client over its rate would send each newcomer's item alone, so its full windows leave at the tick.
     */
    private void sendIfFull(RouteState state) {
        if (full(state) && !state.holdsRatedClients()) {
            send(state, context.currentSystemTimeMs(), false);
        }
    }

    /** Sends batches while the window is due or full and one can go; a route left empty is closed. */
    private void send(RouteState state, long now, boolean due) {
        boolean emitted = true;
        while (emitted && !state.isEmpty() && (due || full(state))) {
            emitted = emit(state, now, closeReason(state));
        }
        if (state.isEmpty()) {
            routes.remove(state.route());
        }
    }

    /** Joining another client's item would make this request wait for that client's quota. */
    private boolean mayCoalesce(PendingSlot pending, String asker) {
        if (!anyoneLimited) {
            return true;
        }
        String owner = pending.item().clientId();
        return owner.equals(asker) || !quotas.limits(owner);
    }

    @Override
    public void close() {
        // the items stay in the store for whoever owns this task next; they are no longer open here
        metrics.openRecordsRestored(-(openRequests() + waiting.requests()));
        metrics.waitingChanged(-waiting.items());
        routes.clear();
    }

    private long openRequests() {
        return routes.values().stream().mapToLong(RouteState::requests).sum();
    }

    private void closeDueWindows(long now) {
        if (!waiting.isEmpty()) {
            expireWaiting(now);
            moveWaitingIn();
        }
        List<RouteState> states = new ArrayList<>(routes.values());
        // interactive first: within one tick, bulk never goes ahead of interactive
        states.sort(Comparator.comparing((RouteState s) -> s.lane() != Lane.INTERACTIVE)
                .thenComparingLong(RouteState::openedAtMs));
        for (RouteState state : states) {
            if (anyoneLimited) {
                sendExpired(state, state.takeOverdue(now), now);
            }
            send(state, now, now - state.openedAtMs() >= settings.window(state.lane()).toMillis());
        }
        tickWhileOpen();
    }

    /** Items whose deadline passed while they waited on disk leave from there, without coming into memory. */
    private void expireWaiting(long now) {
        List<WaitingItems.Overdue> overdue = waiting.takeOverdue(now);
        if (overdue.isEmpty()) {
            return;
        }
        metrics.waitingChanged(-overdue.size());
        overdue.forEach(item -> expire(item.route(), item.item().item(), now));
        promptCommit.outputSent();
    }

    /** Tops up, oldest first, the items in memory of every client with items waiting on disk. */
    private void moveWaitingIn() {
        for (WaitingItems.Queue queue : waiting.queues()) {
            RouteState state = routes.get(queue.route());
            int room = heldInMemory - (state == null ? 0 : state.queued(queue.clientId()));
            if (room <= 0) {
                continue;
            }
            List<PendingItem> moved = waiting.take(queue, room);
            metrics.waitingChanged(-moved.size());
            for (PendingItem item : moved) {
                if (state == null) {
                    // opened when the first of them arrived: these have waited a window already
                    state = new RouteState(queue.route(), item.item().request().lane(), item.windowOpenedAtMs(),
                            rated);
                    routes.put(queue.route(), state);
                }
                writeBehind.put(state.add(item));
            }
        }
    }

    private boolean full(RouteState state) {
        return state.items() >= settings.maxItems() || state.tokens() >= settings.maxTokens()
                || state.bytes() >= MAX_BATCH_BYTES;
    }

    private CloseReason closeReason(RouteState state) {
        if (state.items() >= settings.maxItems()) {
            return CloseReason.ITEMS;
        }
        if (state.tokens() >= settings.maxTokens()) {
            return CloseReason.TOKENS;
        }
        return state.bytes() >= MAX_BATCH_BYTES ? CloseReason.BYTES : CloseReason.TIME;
    }

    /**
     * One batch, and the results of items that expired before their turn; returns false when nothing could go
     * (every pending client is over its quota and nothing expired).
     */
    private boolean emit(RouteState state, long now, CloseReason reason) {
        int before = state.items();
        // only items held back by a client's rate wait long enough for their deadlines to matter here; the
        // workers check every item's deadline before calling a provider anyway
        RouteState.Taken taken = state.take(settings.maxItems(), settings.maxTokens(), MAX_BATCH_BYTES,
                client -> quotas.tryAcquire(client, now), anyoneLimited ? now : RouteState.NO_DEADLINES);
        sendExpired(state, taken.expired(), now);
        if (taken.items().isEmpty()) {
            metrics.quotaDeferred(before - taken.expired().size());
            return !taken.expired().isEmpty();
        }
        taken.slots().forEach(writeBehind::remove);
        AnalysisBatch batch = new AnalysisBatch(SchemaVersion.CURRENT, batchId(state.route(), taken.items()),
                state.route(), Instant.ofEpochMilli(state.openedAtMs()), Instant.ofEpochMilli(now), taken.items());
        metrics.batchClosed(state.lane(), reason, batch.items().size(), batch.requestCount(),
                Duration.ofMillis(Math.max(0, now - state.openedAtMs())));
        context.forward(new Record<String, Object>(state.route(), new WireBatch(batch, taken.requestBytes()), now),
                children.batches());
        promptCommit.outputSent();
        return true;
    }

    /** An EXPIRED result for each of these items, which have left {@code state}. */
    private void sendExpired(RouteState state, List<PendingSlot> expired, long now) {
        for (PendingSlot slot : expired) {
            writeBehind.remove(slot);
            expire(state.route(), slot.item().item(), now);
        }
        if (!expired.isEmpty()) {
            promptCommit.outputSent();
        }
    }

    private void expire(String route, BatchItem item, long now) {
        var result = DirectResults.expired(item, route, Instant.ofEpochMilli(now));
        metrics.expired(item.requesters().size());
        context.forward(new Record<String, Object>(result.batchId(), result, now), children.expiredResults());
    }

    static String batchId(String route, List<BatchItem> items) {
        String first = items.get(0).requesters().get(0).requestId();
        return UUID.nameUUIDFromBytes(("batch:" + route + ":" + first).getBytes(StandardCharsets.UTF_8)).toString();
    }
}

package dev.athena.collector.window;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A batch item waiting in its route, as kept in the items store: the item, the tokens it was estimated to cost,
 * when the window it joined opened (so open windows can be rebuilt exactly after a restart), and the request as
 * the bytes it arrived in, which is what the store keeps instead of re-encoding the decoded request.
 *
 * <p>{@code requestBytes} is never modified after construction (the array is shared, not copied, on purpose:
 * it is the record value Streams handed to admission, and copying it per request is what this avoids).
 */
record PendingItem(BatchItem item, long tokens, long windowOpenedAtMs, byte[] requestBytes) {
    /** Field names and punctuation of an item in the batch's JSON. */
    private static final int ITEM_OVERHEAD = 64;
    /**
     * The most one requester can take in the batch's JSON, given admission's limits: request id (128) and client
     * id (64) characters, {@code replyTo} (249) and {@code traceparent} (256) as if every character needed a
     * six-byte escape, and the field names. A bound, not a count, so an item's size costs no loop over its
     * requesters.
     */
    static final int MAX_REQUESTER_BYTES = 96 + 128 + 64 + 6 * (249 + 256);

    /** The request encoded afresh: for items that did not come off the wire (tests). */
    PendingItem(BatchItem item, long tokens, long windowOpenedAtMs) {
        this(item, tokens, windowOpenedAtMs, Json.write(item.request()));
    }

    /** Whether the request's deadline, if it has one, is at or before {@code nowMs}. */
    boolean expiredAt(long nowMs) {
        return deadlineMs() <= nowMs;
    }

    /** The request's deadline in epoch milliseconds, {@link Long#MAX_VALUE} when it has none. */
    long deadlineMs() {
        return item.request().deadline() == null ? Long.MAX_VALUE : item.request().deadline().toEpochMilli();
    }

    String clientId() {
        return item.requesters().get(0).clientId();
    }

    /** At least the bytes this item takes in a batch record: the request as it arrived, cache key, requesters. */
    long wireBytes() {
        return ITEM_OVERHEAD + requestBytes.length + item.cacheKey().length()
                + (long) item.requesters().size() * MAX_REQUESTER_BYTES;
    }

    PendingItem withItem(BatchItem updated) {
        return new PendingItem(updated, tokens, windowOpenedAtMs, requestBytes);
    }

    /** The same question with one more requester, who asked it again while it was pending. */
    PendingItem withRequester(Requester requester) {
        List<Requester> requesters = new ArrayList<>(item.requesters().size() + 1);
        requesters.addAll(item.requesters());
        requesters.add(requester);
        return withItem(new BatchItem(item.cacheKey(), item.request(), requesters));
    }
}

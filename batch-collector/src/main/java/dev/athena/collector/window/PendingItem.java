package dev.athena.collector.window;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
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
    /** Field names and punctuation of an item and of a requester in the batch's JSON. */
    private static final int ITEM_OVERHEAD = 64;
    private static final int REQUESTER_OVERHEAD = 96;

    PendingItem {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(requestBytes, "requestBytes");
    }

    /** The request encoded afresh: for items that did not come off the wire (tests). */
    PendingItem(BatchItem item, long tokens, long windowOpenedAtMs) {
        this(item, tokens, windowOpenedAtMs, Json.write(item.request()));
    }

    String clientId() {
        return item.requesters().get(0).clientId();
    }

    /**
     * At least the bytes this item takes in a batch record: the request as it arrived, its cache key and its
     * requesters, each string counted as if every character needed a six-byte JSON escape where a producer chose
     * it freely ({@code replyTo}, {@code traceparent}).
     */
    long wireBytes() {
        long bytes = ITEM_OVERHEAD + requestBytes.length + item.cacheKey().length();
        for (Requester requester : item.requesters()) {
            bytes += wireBytes(requester);
        }
        return bytes;
    }

    static long wireBytes(Requester requester) {
        return REQUESTER_OVERHEAD + requester.requestId().length() + requester.clientId().length()
                + 6L * (length(requester.replyTo()) + length(requester.traceparent()));
    }

    private static int length(String value) {
        return value == null ? 0 : value.length();
    }

    PendingItem withItem(BatchItem updated) {
        return new PendingItem(updated, tokens, windowOpenedAtMs, requestBytes);
    }
}

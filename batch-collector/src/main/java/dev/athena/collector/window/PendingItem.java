package dev.athena.collector.window;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.BatchItem;
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

    PendingItem withItem(BatchItem updated) {
        return new PendingItem(updated, tokens, windowOpenedAtMs, requestBytes);
    }
}

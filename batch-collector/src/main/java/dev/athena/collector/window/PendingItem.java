package dev.athena.collector.window;

import dev.athena.schemas.message.BatchItem;
import java.util.Objects;

/**
 * A batch item waiting in its route, as kept in the items store: the item, the tokens it was estimated to cost,
 * and when the window it joined opened, so open windows can be rebuilt exactly after a restart.
 */
record PendingItem(BatchItem item, long tokens, long windowOpenedAtMs) {
    PendingItem {
        Objects.requireNonNull(item, "item");
    }

    String clientId() {
        return item.requesters().get(0).clientId();
    }
}

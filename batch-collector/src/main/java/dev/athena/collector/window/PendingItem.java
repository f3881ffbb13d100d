package dev.athena.collector.window;

import dev.athena.schemas.message.BatchItem;
import java.util.Objects;

/** A batch item waiting in its route, with the tokens it was estimated to cost. */
record PendingItem(BatchItem item, long tokens) {
    PendingItem {
        Objects.requireNonNull(item, "item");
    }
}

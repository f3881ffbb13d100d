package dev.athena.splitter.fanout;

import dev.athena.schemas.message.ItemResult;
import java.util.List;

/**
 * What one BatchResult record became: the deliveries (one per requester), the items that decoded (for the cache)
 * and the problems met on the way (poison items, requesters that cannot be addressed).
 */
public record SplitBatch(String batchId, List<Delivery> deliveries, List<ItemResult> items, List<String> problems) {
    public SplitBatch {
        deliveries = List.copyOf(deliveries);
        items = List.copyOf(items);
        problems = List.copyOf(problems);
    }

    static SplitBatch poison(String problem) {
        return new SplitBatch(null, List.of(), List.of(), List.of(problem));
    }

    public boolean isPoison() {
        return batchId == null;
    }
}

package dev.athena.splitter.fanout;

import dev.athena.schemas.message.ItemResult;
import java.util.List;

/**
 * What one BatchResult record became: the deliveries (one per requester), the items that decoded (for the cache)
 * and the problems met on the way (poison items, requesters that cannot be addressed).
 */
public record SplitBatch(String batchId, List<Delivery> deliveries, List<ItemResult> items, List<Problem> problems) {
    /** Something skipped: a whole record, an item that could not be read, or a requester that cannot be addressed. */
    public record Problem(Kind kind, String message) {
        public enum Kind { RECORD, ITEM, REQUESTER }

        @Override
        public String toString() {
            return message;
        }
    }

    public SplitBatch {
        deliveries = List.copyOf(deliveries);
        items = List.copyOf(items);
        problems = List.copyOf(problems);
    }

    static SplitBatch poison(String problem) {
        return new SplitBatch(null, List.of(), List.of(), List.of(new Problem(Problem.Kind.RECORD, problem)));
    }

    public boolean isPoison() {
        return batchId == null;
    }
}

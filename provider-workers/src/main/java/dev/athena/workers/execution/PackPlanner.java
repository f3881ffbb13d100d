package dev.athena.workers.execution;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.BatchItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Splits a batch into groups run as one: items whose first provider packs (and model) share a group up to its
 * item and token limits, in batch order; every other item is a group of its own. Streamed items, items past
 * their deadline and items too big for a pack are never packed.
 */
final class PackPlanner {
    private PackPlanner() {
    }

    static List<List<Integer>> plan(List<BatchItem> items, ProviderRoster roster, Instant now) {
        List<List<Integer>> groups = new ArrayList<>();
        Map<String, List<Integer>> open = new LinkedHashMap<>();
        Map<String, Long> openTokens = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            AnalysisRequest request = items.get(i).request();
            Attempt first = roster.chainFor(request).getFirst();
            Optional<Packing> packing = roster.packingFor(first.provider().name());
            long tokens = Packing.tokens(request);
            boolean expired = request.deadline() != null && !now.isBefore(request.deadline());
            if (packing.isEmpty() || request.streaming() || expired || tokens > packing.get().maxTokens()) {
                groups.add(List.of(i));
                continue;
            }
            String key = first.provider().name() + '\u0000' + first.model();
            List<Integer> current = open.get(key);
            if (current != null && (current.size() >= packing.get().maxItems()
                    || openTokens.get(key) + tokens > packing.get().maxTokens())) {
                groups.add(current);
                current = null;
            }
            if (current == null) {
                current = new ArrayList<>();
                open.put(key, current);
                openTokens.put(key, 0L);
            }
            current.add(i);
            openTokens.merge(key, tokens, Long::sum);
        }
        groups.addAll(open.values());
        return groups;
    }
}

package dev.athena.workers.provider.spi;

import dev.athena.schemas.message.AnalysisRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Several small requests sent to one provider in one call, each under its own id; the answer comes back per id
 * in {@link ProviderAnswer#parts()}. An id the answer does not cover, or covers ambiguously, is missing there.
 */
public record Pack(List<Item> items) {
    /** One packed request and the id it goes by in the prompt and the answer. */
    public record Item(String id, AnalysisRequest request) {
        public Item {
            Objects.requireNonNull(request, "request");
            if (id == null || !id.matches("[A-Za-z0-9-]{1,40}")) {
                throw new IllegalArgumentException("a pack id must be 1-40 letters, digits or dashes but was '" + id + "'");
            }
        }
    }

    public Pack {
        items = List.copyOf(items);
        if (items.size() < 2) {
            throw new IllegalArgumentException("a pack holds at least 2 items but had " + items.size());
        }
        Set<String> seen = new HashSet<>();
        for (Item item : items) {
            if (!seen.add(item.id())) {
                throw new IllegalArgumentException("pack ids must be unique but '" + item.id() + "' repeats");
            }
        }
    }

    public Set<String> ids() {
        return items.stream().map(Item::id).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The request a packed {@link ProviderCall} carries for what looks at one request (size estimates, the
     * streaming flag): the first item's, with every item's code, so that token estimates cover the whole call.
     * Packs never stream.
     */
    public AnalysisRequest standIn() {
        AnalysisRequest first = items.getFirst().request();
        String code = items.stream().map(i -> i.request().code()).collect(Collectors.joining("\n"));
        return new AnalysisRequest(first.schemaVersion(), first.requestId(), first.clientId(), first.analysisType(),
                null, null, code, first.provider(), first.model(), first.lane(), Map.of(), first.deadline(), false,
                first.createdAt(), null);
    }
}

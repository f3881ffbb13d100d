package dev.athena.splitter.cache;

import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ResultStatus;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which keys an answer is cached under, and with which tags. An answer is cached under the key of what actually
 * served it and under the key as it was asked (often {@code auto}), so the next identical request hits either way.
 * Degraded answers (the offline fallback) and answers that were themselves cache hits are never written.
 */
public final class CacheKeys {
    private CacheKeys() {
    }

    public static boolean cacheable(ItemResult item) {
        return item.status() == ResultStatus.COMPLETED && item.servedBy() != null && !item.servedBy().degraded()
                && !item.cached() && item.cacheKey() != null;
    }

    /** The served key first, then the requested key when it differs. Empty when the item is not cacheable. */
    public static Set<String> keysFor(ItemResult item) {
        Set<String> keys = new LinkedHashSet<>();
        if (!cacheable(item)) {
            return keys;
        }
        parse(item.cacheKey()).ifPresent(requested -> keys.add(
                requested.servedBy(item.servedBy().provider(), item.servedBy().model()).value()));
        keys.add(item.cacheKey());
        return keys;
    }

    /**
     * Reads {@code analysis:{provider}:{model}:{type}:{codeHash}:{optionsHash}}. The model is whatever lies between
     * the provider and the last three fields, because model names such as {@code llama3:8b} contain colons.
     */
    public static Optional<CacheKey> parse(String value) {
        if (value == null || !value.startsWith(CacheKey.PREFIX)) {
            return Optional.empty();
        }
        String rest = value.substring(CacheKey.PREFIX.length());
        int providerEnd = rest.indexOf(':');
        int hashesStart = nthColonFromEnd(rest, 3);
        if (providerEnd <= 0 || hashesStart <= providerEnd + 1) {
            return Optional.empty();
        }
        String provider = rest.substring(0, providerEnd);
        String model = rest.substring(providerEnd + 1, hashesStart);
        String[] tail = rest.substring(hashesStart + 1).split(":", -1);
        Optional<AnalysisType> type = AnalysisType.fromWire(tail[0]);
        if (type.isEmpty() || tail[1].isEmpty() || tail[2].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CacheKey(provider, model, type.get(), tail[1], tail[2]));
    }

    /**
     * Tags an entry is indexed under for invalidation: {@code type:<analysisType>}, {@code path:<path>},
     * {@code repo:<name>} and {@code model:<provider>/<model>} (served and, when different, requested).
     */
    public static Set<String> tagsFor(ItemResult item) {
        Set<String> tags = new LinkedHashSet<>();
        if (item.analysisType() != null) {
            tags.add("type:" + item.analysisType().wireName());
        }
        if (item.path() != null && !item.path().isBlank()) {
            tags.add("path:" + item.path());
            repoOf(item.path()).ifPresent(repo -> tags.add("repo:" + repo));
        }
        if (item.servedBy() != null) {
            tags.add("model:" + item.servedBy().provider() + "/" + item.servedBy().model());
        }
        parse(item.cacheKey()).ifPresent(k -> tags.add("model:" + k.provider() + "/" + k.model()));
        if (item.analysisType() == null) {
            parse(item.cacheKey()).ifPresent(k -> tags.add("type:" + k.analysisType().wireName()));
        }
        return tags;
    }

    /**
     * The repository of a path written {@code <repo>:<path in repo>}, the form repository scans use. ItemResult
     * carries no repository field, so this is the only place the name can come from.
     */
    static Optional<String> repoOf(String path) {
        int colon = path.indexOf(':');
        if (colon <= 0 || colon == path.length() - 1 || path.substring(0, colon).contains("/")) {
            return Optional.empty();
        }
        return Optional.of(path.substring(0, colon));
    }

    private static int nthColonFromEnd(String s, int n) {
        int at = s.length();
        for (int i = 0; i < n; i++) {
            at = s.lastIndexOf(':', at - 1);
            if (at < 0) {
                return -1;
            }
        }
        return at;
    }
}

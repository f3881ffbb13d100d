package dev.athena.ingest.gateway.cache;

import dev.athena.schemas.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Asks the result splitters to forget cached answers by publishing on their Redis channel (the splitter owns the
 * cache and its invalidation; the gateway only relays an admin's request). Shapes follow the splitter's
 * {@code Invalidation} JSON: {@code {"id","kind","value","actor"}}.
 */
public final class CacheInvalidations {
    public static final String REQUESTS_CHANNEL = "athena:cache:invalidation-requests";
    private static final List<String> KINDS = List.of("key", "pattern", "tag", "all");
    private static final List<String> TAG_PREFIXES = List.of("type:", "path:", "repo:", "model:");

    /** What was published and how many subscribers heard it (0: no splitter listening right now). */
    public record Published(String id, long receivers) {
    }

    private final RedissonClient redisson;

    public CacheInvalidations(RedissonClient redisson) {
        this.redisson = redisson;
    }

    /** @throws IllegalArgumentException naming what is wrong with kind or value */
    public Published publish(String kind, String value, String actor) {
        String k = kind == null ? "" : kind.toLowerCase(Locale.ROOT);
        if (!KINDS.contains(k)) {
            throw new IllegalArgumentException("kind must be one of " + KINDS + " but was '" + kind + "'");
        }
        if (!k.equals("all") && (value == null || value.isBlank())) {
            throw new IllegalArgumentException("invalidation by " + k + " needs a value");
        }
        if (k.equals("tag") && TAG_PREFIXES.stream().noneMatch(value::startsWith)) {
            throw new IllegalArgumentException("tag must start with one of " + TAG_PREFIXES);
        }
        String id = UUID.randomUUID().toString();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("kind", k);
        if (!k.equals("all")) {
            message.put("value", value);
        }
        message.put("actor", actor);
        long receivers = redisson.getTopic(REQUESTS_CHANNEL, StringCodec.INSTANCE).publish(Json.writeString(message));
        return new Published(id, receivers);
    }
}

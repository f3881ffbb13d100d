package dev.athena.splitter.cache;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What every instance hears after an invalidation ran: the request plus the cache keys it resolved to in Redis,
 * so that an L1 can drop entries whose tags it never knew (entries it read from Redis). {@code flushL1} asks for
 * the whole L1 to go, for {@code all} and for resolutions too large to list.
 */
public record InvalidationEvent(Invalidation request, List<String> keys, boolean flushL1, Instant at) {
    public InvalidationEvent {
        Objects.requireNonNull(request, "request");
        keys = keys == null ? List.of() : List.copyOf(keys);
    }
}

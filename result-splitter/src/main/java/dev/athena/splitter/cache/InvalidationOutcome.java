package dev.athena.splitter.cache;

/**
 * What an invalidation did here: Redis keys deleted (answers and tag sets), L1 entries dropped on this instance,
 * and whether the other instances were told (false when Redis was unreachable: their L1 entries then expire by TTL).
 */
public record InvalidationOutcome(String id, long redisKeysDeleted, int l1EntriesDropped, boolean broadcast) {
}

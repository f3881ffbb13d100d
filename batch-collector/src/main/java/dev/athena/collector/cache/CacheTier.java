package dev.athena.collector.cache;

/** Where a cache hit came from: this process's memory, or the Redis shared by every instance. */
public enum CacheTier { L1, REDIS }

package dev.athena.ingest.gateway.health;

import dev.athena.schemas.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the provider health the workers publish to the Redis hash {@value #HASH} (field
 * {@code <provider>|<instanceId>}, value a JSON snapshot) and keeps what is fresh: a snapshot older than
 * {@code maxAge} belongs to an instance that stopped or lost Redis, and is counted as stale instead of shown.
 * The gateway never calls the workers; this hash is the whole interface.
 */
public final class ProviderHealthReader {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderHealthReader.class);
    public static final String HASH = "athena:providers:health";
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(15);

    /** What the admin API answers: providers built from fresh snapshots, and how many were left out. */
    public record Report(Instant generatedAt, Duration maxAge, List<ProviderHealth> providers, int staleSnapshots,
            int unreadableSnapshots) {
    }

    private final RedissonClient redis;
    private final InstantSource clock;
    private final Duration maxAge;

    public ProviderHealthReader(RedissonClient redis, InstantSource clock, Duration maxAge) {
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive but was " + maxAge);
        }
        this.redis = redis;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /** @throws org.redisson.client.RedisException when Redis cannot be read */
    public Report read() {
        Map<String, String> fields = redis.<String, String>getMap(HASH, StringCodec.INSTANCE).readAllMap();
        return report(fields.values(), clock.instant());
    }

    Report report(Iterable<String> values, Instant now) {
        Instant oldest = now.minus(maxAge);
        List<InstanceSnapshot> fresh = new ArrayList<>();
        int stale = 0;
        int unreadable = 0;
        for (String value : values) {
            InstanceSnapshot snapshot = parse(value);
            if (snapshot == null) {
                unreadable++;
            } else if (snapshot.updatedAt().isBefore(oldest)) {
                stale++;
            } else {
                fresh.add(snapshot);
            }
        }
        return new Report(now, maxAge, ProviderHealth.aggregate(fresh), stale, unreadable);
    }

    private static InstanceSnapshot parse(String value) {
        try {
            InstanceSnapshot s = Json.read(value, InstanceSnapshot.class);
            return s == null || s.provider() == null || s.updatedAt() == null ? null : s;
        } catch (RuntimeException e) {
            LOG.debug("unreadable provider health snapshot: {}", e.getMessage());
            return null;
        }
    }
}

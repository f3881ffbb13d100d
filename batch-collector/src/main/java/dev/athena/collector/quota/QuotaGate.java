package dev.athena.collector.quota;

import java.util.HashMap;
import java.util.Map;

/**
 * Token buckets per client, refilled from the Streams wall-clock that the caller passes in. One gate per task:
 * requests are keyed by requestId, so a client's work spreads over all input partitions and each task enforces
 * {@code share} of the client's rate (1 / partitions). The sum holds across instances while partitions are
 * spread evenly; it is not a globally coordinated limit. Single-threaded, like the task that owns it.
 */
public final class QuotaGate {
    private final ClientQuotas quotas;
    private final double share;
    private final Map<String, Bucket> buckets = new HashMap<>();
    /** Kept: without it every batch item's client id was read (and hashed) only to find no rate. */
    private final boolean limitsAnyone;

    private static final class Bucket {
        double tokens;
        long refilledAtMs;
    }

    public QuotaGate(ClientQuotas quotas, double share) {
        if (share <= 0 || share > 1) {
            throw new IllegalArgumentException("share must be in (0, 1] but was " + share);
        }
        this.quotas = quotas;
        this.share = share;
        this.limitsAnyone = quotas.limitsAnyone();
    }

    /** Whether any client has a rate here: when none has, nothing is ever held back. */
    public boolean limitsAnyone() {
        return limitsAnyone;
    }

    /** Whether this client has a rate (so its work can be held back). */
    public boolean limits(String clientId) {
        return limitsAnyone && quotas.rateFor(clientId) > 0;
    }

    /** Takes one item's worth of the client's quota if it has it. */
    public boolean tryAcquire(String clientId, long nowMs) {
        if (!limitsAnyone) {
            return true;
        }
        double rate = quotas.rateFor(clientId) * share;
        if (rate <= 0) {
            return true;
        }
        Bucket bucket = buckets.computeIfAbsent(clientId, id -> {
            Bucket fresh = new Bucket();
            fresh.tokens = quotas.burst();
            fresh.refilledAtMs = nowMs;
            return fresh;
        });
        long elapsed = Math.max(0, nowMs - bucket.refilledAtMs);
        bucket.tokens = Math.min(quotas.burst(), bucket.tokens + elapsed * rate / 1000.0);
        bucket.refilledAtMs = nowMs;
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return true;
        }
        return false;
    }
}

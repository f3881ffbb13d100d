package dev.athena.ingest.gateway.http;

import dev.athena.ingest.gateway.GatewayMetrics;
import dev.athena.ingest.gateway.analysis.CancelRequests;
import dev.athena.ingest.gateway.analysis.LiveFeed;
import dev.athena.ingest.gateway.analysis.ResultLookup;
import dev.athena.ingest.gateway.analysis.ResultTopics;
import dev.athena.ingest.gateway.analysis.Submitter;
import dev.athena.ingest.gateway.auth.Authenticator;
import dev.athena.ingest.gateway.cache.CacheInvalidations;
import dev.athena.ingest.gateway.health.ProviderHealthReader;
import dev.athena.ingest.gateway.limit.RateLimiter;
import dev.athena.ingest.gateway.stream.EventPump;
import dev.athena.ingest.gateway.store.AuditLog;
import dev.athena.ingest.gateway.usage.UsageLedger;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;

/** The plain-Java parts the web layer calls, built by {@code Gateway.start} and handed to Spring as one bean. */
public record GatewayCore(Authenticator authenticator, Submitter submitter, ResultLookup lookup, LiveFeed feed,
        AuditLog audit, EventPump pump, GatewayMetrics metrics, MeterRegistry registry, RequestGuard guard, RateLimiter limiter, CacheInvalidations invalidations,
        ResultTopics resultTopics, ProviderHealthReader providerHealth, OpenStreams openStreams, UsageLedger usage,
        CancelRequests cancels,
        int maxBodyBytes,
        Duration maxWait, List<String> corsOrigins) {
}

package dev.athena.workers;

import dev.athena.workers.config.ProviderCatalog;
import dev.athena.workers.config.ProviderConfig;
import dev.athena.workers.execution.ProviderRoster;
import dev.athena.workers.health.HealthSource;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.builtin.BuiltinProvider;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.vendor.VendorSettings;
import dev.athena.workers.provider.vendor.anthropic.AnthropicBatchApi;
import dev.athena.workers.provider.vendor.anthropic.AnthropicProvider;
import dev.athena.workers.provider.vendor.openai.OpenAiBatchApi;
import dev.athena.workers.provider.vendor.openai.OpenAiCompatibleProvider;
import dev.athena.workers.resilience.LocalRateLimit;
import dev.athena.workers.resilience.RateLimit;
import dev.athena.workers.resilience.ResilientProvider;
import dev.athena.workers.resilience.SharedRateLimit;
import dev.athena.workers.resilience.Sleeper;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the failover roster from the catalogue: each remote provider's adapter behind its guards, the shared
 * (Redis) or local rate limit, breakers and bulkheads registered so their meters are bound; builtin last.
 */
final class ProviderAssembly implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderAssembly.class);

    private final ProviderRoster roster;
    private final RedissonClient redis;
    private final List<HealthSource> health;
    private final java.util.Map<String, dev.athena.workers.execution.ProviderBatches.Api> batchApis;
    /** The adapters and batch APIs: each owns an HTTP client, whose thread would outlive the worker. */
    private final List<AutoCloseable> httpClients;

    private ProviderAssembly(ProviderRoster roster, RedissonClient redis, List<HealthSource> health,
            java.util.Map<String, dev.athena.workers.execution.ProviderBatches.Api> batchApis,
            List<AutoCloseable> httpClients) {
        this.roster = roster;
        this.httpClients = List.copyOf(httpClients);
        this.batchApis = java.util.Map.copyOf(batchApis);
        this.redis = redis;
        this.health = List.copyOf(health);
    }

    static ProviderAssembly build(ProviderCatalog catalog, String redisUrl, Clock clock, WorkerMetrics metrics) {
        // connected even without remote providers: builtin's health is published through it
        RedissonClient redis = connect(redisUrl);
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
        List<Provider> providers = new ArrayList<>();
        List<HealthSource> health = new ArrayList<>();
        SplittableRandom random = new SplittableRandom();
        java.util.Map<String, dev.athena.workers.execution.ProviderBatches.Api> batchApis = new java.util.HashMap<>();
        List<AutoCloseable> httpClients = new ArrayList<>();
        for (ProviderConfig c : catalog.providers()) {
            VendorSettings vendor = VendorSettings.of(c.name(), c.baseUrl(), c.apiKey(), c.model(), c.pricing())
                    .withTimeouts(c.connectTimeout(), c.firstByteTimeout(), c.idleTimeout());
            RateLimit limit = redis == null
                    ? new LocalRateLimit(c.name(), Math.max(1, c.policy().requestsPerMinute() / catalog.expectedInstances()),
                            Math.max(1, c.policy().tokensPerMinute() / catalog.expectedInstances()), clock, Sleeper.SYSTEM)
                    : new SharedRateLimit(redis, c.name(), c.policy().requestsPerMinute(), c.policy().tokensPerMinute(),
                            catalog.expectedInstances(), clock, Sleeper.SYSTEM);
            // a response that says a budget is used up pauses every instance until the provider's reset
            java.util.function.Consumer<dev.athena.workers.provider.vendor.RateLimitHeaders> observer =
                    headers -> headers.exhaustedFor().ifPresent(limit::pause);
            // a Provider and an AutoCloseable (its HTTP client) either way
            var adapter = c.dialect() == ProviderConfig.Dialect.ANTHROPIC
                    ? new AnthropicProvider(vendor, clock, observer)
                    : new OpenAiCompatibleProvider(vendor, clock, observer);
            httpClients.add(adapter);
            ResilientProvider guarded = new ResilientProvider(adapter, c.policy(), limit,
                    breakers.circuitBreaker(c.name(), ResilientProvider.breakerConfig(c.policy(), clock)),
                    bulkheads.bulkhead(c.name(), ResilientProvider.bulkheadConfig(c.policy())), clock, Sleeper.SYSTEM,
                    random.split(), metrics);
            providers.add(guarded);
            health.add(HealthSource.of(c.priority(), guarded));
            LOG.info("provider {} enabled: {}", c.name(), c);
            java.time.Duration minDeadline = catalog.batchApis().minDeadlineByProvider().get(c.name());
            if (minDeadline != null) {
                // every exchange of the batch API passes this provider's own limiter, bulkhead and breaker
                var api = c.dialect() == ProviderConfig.Dialect.ANTHROPIC
                        ? new AnthropicBatchApi(vendor, clock, guarded) : new OpenAiBatchApi(vendor, clock, guarded);
                httpClients.add(api);
                batchApis.put(c.name(), new dev.athena.workers.execution.ProviderBatches.Api(api, minDeadline));
                LOG.info("provider {} batch API enabled for bulk batches with at least {} left", c.name(), minDeadline);
            }
        }
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(metrics.registry());
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(metrics.registry());
        health.add(HealthSource.unguarded(BuiltinProvider.NAME, BuiltinProvider.MODEL));
        return new ProviderAssembly(ProviderRoster.of(providers, new BuiltinProvider()).withPacking(catalog.packing()), redis, health, batchApis,
                httpClients);
    }

    /**
     * Lazily connected, so an instance started while Redis is down runs degraded (limits per instance, no
     * cancellations, no health published) and uses Redis as soon as it answers, instead of for its whole life
     * never. Short timeouts and one retry: every caller has a fallback, so a missing Redis must cost it little.
     */
    static RedissonClient connect(String redisUrl) {
        if (redisUrl == null || redisUrl.isBlank()) {
            LOG.warn("no Redis URL: provider rate limits are per instance");
            return null;
        }
        Config config = new Config();
        config.setLazyInitialization(true);
        config.useSingleServer().setAddress(redisUrl).setClientName("athena-provider-workers")
                .setConnectTimeout(1_000).setTimeout(1_000).setRetryAttempts(1)
                .setConnectionMinimumIdleSize(1).setConnectionPoolSize(8).setPingConnectionInterval(2_000);
        return Redisson.create(config);
    }

    ProviderRoster roster() {
        return roster;
    }

    /** Every provider of the roster, for the health publisher. */
    List<HealthSource> health() {
        return health;
    }

    /** The providers whose batch API takes bulk batches, by name; empty when none does. */
    java.util.Map<String, dev.athena.workers.execution.ProviderBatches.Api> batchApis() {
        return batchApis;
    }

    /** {@code null} when no Redis is configured; otherwise a client that may not be connected yet. */
    RedissonClient redis() {
        return redis;
    }

    @Override
    public void close() {
        for (AutoCloseable client : httpClients) {
            try {
                client.close();
            } catch (Exception e) {
                LOG.warn("closing a provider's HTTP client failed: {}", e.toString());
            }
        }
        if (redis != null) {
            redis.shutdown();
        }
    }
}

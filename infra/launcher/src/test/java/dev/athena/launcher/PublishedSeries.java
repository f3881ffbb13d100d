package dev.athena.launcher;

import dev.athena.collector.cache.CacheTier;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.ingest.gateway.GatewayMetrics;
import dev.athena.ops.lag.LagBook;
import dev.athena.ops.lag.LagMeters;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.Usage;
import dev.athena.schemas.validation.RejectionReason;
import dev.athena.splitter.metrics.SplitterMetrics;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.builtin.BuiltinProvider;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The series a Prometheus server scrapes from the services' meters, each meter used once, for the files that query
 * them (the dashboard, the alerting rules) to be checked against.
 */
final class PublishedSeries {
    private PublishedSeries() {
    }

    static Set<String> all() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CollectorMetrics collector = new CollectorMetrics(registry);
        collector.accepted();
        collector.coalesced();
        collector.cacheMiss();
        collector.cacheHit(CacheTier.REDIS);
        collector.rejected(RejectionReason.INVALID_JSON);
        collector.batchClosed(Lane.INTERACTIVE, CollectorMetrics.CloseReason.TIME, 3, 4, Duration.ofMillis(90));
        WorkerMetrics workers = new WorkerMetrics(registry);
        BuiltinProvider builtin = new BuiltinProvider();
        workers.providerCall(builtin, "rules-1", "success", Duration.ofMillis(5));
        workers.failover("anthropic", "overloaded");
        workers.usage(builtin, "rules-1", new Usage(10, 5, 0, 0.01));
        workers.sharedItem("builtin");
        workers.poisonRecord();
        // the workers bind their breakers' state this way (ProviderAssembly)
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        breakers.circuitBreaker("anthropic");
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        SplitterMetrics splitter = new SplitterMetrics(registry);
        splitter.result(ResultStatus.COMPLETED);
        splitter.persistenceLag(() -> 1.5);
        splitter.persistFailure();
        splitter.poison(SplitterMetrics.Poison.RECORD);
        GatewayMetrics gateway = new GatewayMetrics(registry);
        gateway.submission("accepted");
        gateway.rateLimited("key");
        gateway.cancellation("recorded");
        gateway.keysExpiring("7d", () -> 0);
        // each service follows its own consumer group this way (GroupLag)
        LagMeters.bind(registry, "athena-provider-workers", new LagBook(List.of("athena.batches")));
        Set<String> series = new HashSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                series.add(line.split("[{ ]", 2)[0]);
            }
        }
        return series;
    }
}

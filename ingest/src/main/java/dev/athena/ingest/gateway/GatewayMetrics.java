package dev.athena.ingest.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/** Every meter of the gateway, declared once. Tags are low-cardinality: never ids, keys or clients. */
public final class GatewayMetrics {
    private final MeterRegistry registry;
    private final Timer submitLatency;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.submitLatency = Timer.builder("athena.gateway.submit.latency")
                .description("time from POST /v1/analyses received to the record acknowledged by Kafka")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /** outcome: accepted, replayed, invalid, conflict, unavailable. */
    public void submission(String outcome) {
        Counter.builder("athena.gateway.submissions").tag("outcome", outcome).register(registry).increment();
    }

    /** reason: missing, not-bearer, malformed, unknown-key, expired-key, scope. */
    public void authFailure(String reason) {
        Counter.builder("athena.gateway.auth.failures").tag("reason", reason).register(registry).increment();
    }

    /** scope: key, ip, global. */
    public void rateLimited(String scope) {
        Counter.builder("athena.gateway.rate.limited").tag("scope", scope).register(registry).increment();
    }

    /** outcome: done, pending, not-found. */
    public void lookup(String outcome) {
        Counter.builder("athena.gateway.lookups").tag("outcome", outcome).register(registry).increment();
    }

    /** outcome: recorded, ended (the analysis had already ended), unavailable. */
    public void cancellation(String outcome) {
        Counter.builder("athena.gateway.cancellations").tag("outcome", outcome).register(registry).increment();
    }

    /**
     * Active keys that expire within the next {@code window} (tag {@code within}, such as {@code 7d}), as last
     * counted: every gateway instance publishes the same count.
     */
    public void keysExpiring(String window, Supplier<Number> count) {
        Gauge.builder("athena.gateway.keys.expiring", count)
                .description("active API keys that expire soon").tag("within", window).register(registry);
    }

    public Timer submitLatency() {
        return submitLatency;
    }
}

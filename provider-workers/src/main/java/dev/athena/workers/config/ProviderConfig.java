package dev.athena.workers.config;

import dev.athena.workers.execution.Packing;
import dev.athena.workers.provider.vendor.Pricing;
import dev.athena.workers.resilience.ProviderPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * One configured remote provider: its kind of wire ({@code anthropic} or an OpenAI-compatible one), priority
 * (1 is tried first), where it is, its key (never printed), default model, prices, resilience policy and the
 * transport timeouts (connect; first byte, until response headers; idle, between streamed bytes).
 */
public record ProviderConfig(String name, Dialect dialect, int priority, String baseUrl, String apiKey, String model,
        Pricing pricing, ProviderPolicy policy, Duration connectTimeout, Duration firstByteTimeout,
        Duration idleTimeout, Packing packing) {
    /** The wire format a provider speaks. */
    public enum Dialect { ANTHROPIC, OPENAI }

    public ProviderConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(policy, "policy");
        if (priority < 1) {
            throw new IllegalArgumentException("priority must be >= 1 but was " + priority + " for " + name);
        }
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new IllegalArgumentException("base URL of " + name + " must be http(s) but was '" + baseUrl + "'");
        }
        pricing = pricing == null ? Pricing.FREE : pricing;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        firstByteTimeout = firstByteTimeout == null ? Duration.ofSeconds(60) : firstByteTimeout;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(30) : idleTimeout;
    }

    /** Without packing. */
    public ProviderConfig(String name, Dialect dialect, int priority, String baseUrl, String apiKey, String model,
            Pricing pricing, ProviderPolicy policy, Duration connectTimeout, Duration firstByteTimeout,
            Duration idleTimeout) {
        this(name, dialect, priority, baseUrl, apiKey, model, pricing, policy, connectTimeout, firstByteTimeout,
                idleTimeout, null);
    }

    public ProviderConfig withPolicy(ProviderPolicy newPolicy) {
        return new ProviderConfig(name, dialect, priority, baseUrl, apiKey, model, pricing, newPolicy, connectTimeout,
                firstByteTimeout, idleTimeout, packing);
    }

    /** {@code null} turns packing off. */
    public ProviderConfig withPacking(Packing newPacking) {
        return new ProviderConfig(name, dialect, priority, baseUrl, apiKey, model, pricing, policy, connectTimeout,
                firstByteTimeout, idleTimeout, newPacking);
    }

    @Override
    public String toString() {
        return "ProviderConfig[" + name + ", priority " + priority + ", " + baseUrl + ", model " + model + ", key "
                + (apiKey == null ? "none" : "set") + (packing == null ? "" : ", packing " + packing.maxItems() + " items/"
                + packing.maxTokens() + " tokens") + "]";
    }
}

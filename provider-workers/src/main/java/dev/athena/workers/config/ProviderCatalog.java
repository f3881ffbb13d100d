package dev.athena.workers.config;

import dev.athena.schemas.message.ProviderNames;
import dev.athena.workers.execution.Packing;
import dev.athena.workers.provider.vendor.Pricing;
import dev.athena.workers.resilience.Backoff;
import dev.athena.workers.resilience.ProviderPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote providers a worker may call, read the way the official SDKs read their settings:
 * {@code ANTHROPIC_API_KEY}/{@code ANTHROPIC_BASE_URL} (host root), {@code OPENAI_API_KEY}/{@code OPENAI_BASE_URL}
 * (including {@code /v1}), {@code DEEPSEEK_API_KEY}/{@code DEEPSEEK_BASE_URL}, and {@code ATHENA_LOCAL_BASE_URL}
 * for any OpenAI-compatible local server (no key). A provider without its key is skipped with one log line.
 * Per provider, {@code ATHENA_<NAME>_MODEL}, {@code _PRIORITY}, {@code _RPM}, {@code _TPM} and
 * {@code _MAX_CONCURRENT}, {@code _CONNECT_TIMEOUT_MS}, {@code _FIRST_BYTE_TIMEOUT_MS} and
 * {@code _IDLE_TIMEOUT_MS} override the defaults (priorities anthropic 1, openai 2, deepseek 3, local 4;
 * bulkheads 20/20/10/5). Packing is off unless {@code _PACKING_MAX_ITEMS} is 2 or more (items per call;
 * {@code _PACKING_MAX_TOKENS}, default 4000, bounds the files of one call). {@code _BREAKER_BACKOFF}
 * ({@code linear}, {@code exponential}, {@code fibonacci}), {@code _BREAKER_OPEN_WAIT_MS} and
 * {@code _BREAKER_MAX_OPEN_WAIT_MS} shape how long the circuit breaker stays open each time it opens.
 * {@code ATHENA_WORKER_INSTANCES} is how many instances share the limits, used for each one's local share when
 * Redis is away. Provider batch APIs for the bulk lane: see {@link BatchApiSettings}.
 */
public record ProviderCatalog(List<ProviderConfig> providers, int expectedInstances, BatchApiSettings batchApis) {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderCatalog.class);

    public ProviderCatalog {
        providers = providers.stream().sorted(Comparator.comparingInt(ProviderConfig::priority)).toList();
        if (expectedInstances < 1) {
            throw new IllegalArgumentException("expectedInstances must be >= 1 but was " + expectedInstances);
        }
        batchApis = batchApis == null ? BatchApiSettings.OFF : batchApis;
    }

    /** Without batch APIs. */
    public ProviderCatalog(List<ProviderConfig> providers, int expectedInstances) {
        this(providers, expectedInstances, BatchApiSettings.OFF);
    }

    public ProviderCatalog withBatchApis(BatchApiSettings settings) {
        return new ProviderCatalog(providers, expectedInstances, settings);
    }

    public static ProviderCatalog none() {
        return new ProviderCatalog(List.of(), 1);
    }

    public static ProviderCatalog fromEnvironment(Map<String, String> env) {
        List<ProviderConfig> out = new ArrayList<>();
        keyed(env, out, ProviderNames.ANTHROPIC, ProviderConfig.Dialect.ANTHROPIC, 1, "ANTHROPIC_API_KEY",
                "ANTHROPIC_BASE_URL", "https://api.anthropic.com", "claude-sonnet-4-5", new Pricing(3.0, 15.0, 0.30), 50, 40_000, 20);
        keyed(env, out, ProviderNames.OPENAI, ProviderConfig.Dialect.OPENAI, 2, "OPENAI_API_KEY", "OPENAI_BASE_URL",
                "https://api.openai.com/v1", "gpt-4o-mini", new Pricing(0.15, 0.60, 0.075), 500, 200_000, 20);
        keyed(env, out, ProviderNames.DEEPSEEK, ProviderConfig.Dialect.OPENAI, 3, "DEEPSEEK_API_KEY",
                "DEEPSEEK_BASE_URL", "https://api.deepseek.com/v1", "deepseek-chat", new Pricing(0.27, 1.10, 0.07), 60, 100_000, 10);
        String local = value(env, "ATHENA_LOCAL_BASE_URL");
        if (local == null) {
            LOG.info("provider local skipped: ATHENA_LOCAL_BASE_URL is not set");
        } else {
            out.add(build(env, ProviderNames.LOCAL, ProviderConfig.Dialect.OPENAI, 4, local, null, "llama3.1",
                    Pricing.FREE, 600, 1_000_000, 5));
        }
        String instances = value(env, "ATHENA_WORKER_INSTANCES");
        return new ProviderCatalog(out, instances == null ? 1 : Integer.parseInt(instances.trim()),
                BatchApiSettings.fromEnvironment(env, out.stream().map(ProviderConfig::name).toList()));
    }

    private static void keyed(Map<String, String> env, List<ProviderConfig> out, String name,
            ProviderConfig.Dialect dialect, int priority, String keyVar, String urlVar, String defaultUrl, String model,
            Pricing pricing, long rpm, long tpm, int concurrent) {
        String key = value(env, keyVar);
        if (key == null) {
            LOG.info("provider {} skipped: {} is not set", name, keyVar);
            return;
        }
        String url = Objects.requireNonNullElse(value(env, urlVar), defaultUrl);
        out.add(build(env, name, dialect, priority, url, key, model, pricing, rpm, tpm, concurrent));
    }

    private static ProviderConfig build(Map<String, String> env, String name, ProviderConfig.Dialect dialect,
            int priority, String url, String key, String model, Pricing pricing, long rpm, long tpm, int concurrent) {
        String prefix = "ATHENA_" + name.toUpperCase(Locale.ROOT) + "_";
        ProviderPolicy policy = ProviderPolicy.of(number(env, prefix + "RPM", rpm), number(env, prefix + "TPM", tpm),
                (int) number(env, prefix + "MAX_CONCURRENT", concurrent));
        policy = breaker(env, prefix, policy);
        return new ProviderConfig(name, dialect, (int) number(env, prefix + "PRIORITY", priority), url, key,
                Objects.requireNonNullElse(value(env, prefix + "MODEL"), model), pricing, policy,
                java.time.Duration.ofMillis(number(env, prefix + "CONNECT_TIMEOUT_MS", 5_000)),
                java.time.Duration.ofMillis(number(env, prefix + "FIRST_BYTE_TIMEOUT_MS", 60_000)),
                java.time.Duration.ofMillis(number(env, prefix + "IDLE_TIMEOUT_MS", 30_000)),
                packing(env, prefix));
    }

    /** {@code _BREAKER_BACKOFF} (linear, exponential, fibonacci), {@code _BREAKER_OPEN_WAIT_MS}, {@code _BREAKER_MAX_OPEN_WAIT_MS}. */
    private static ProviderPolicy breaker(Map<String, String> env, String prefix, ProviderPolicy policy) {
        String backoff = value(env, prefix + "BREAKER_BACKOFF");
        Backoff curve;
        try {
            curve = backoff == null ? policy.openBackoff() : Backoff.fromConfig(backoff);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + "BREAKER_BACKOFF: " + e.getMessage(), e);
        }
        return policy.withOpenWait(
                java.time.Duration.ofMillis(number(env, prefix + "BREAKER_OPEN_WAIT_MS", policy.openWait().toMillis())),
                java.time.Duration.ofMillis(number(env, prefix + "BREAKER_MAX_OPEN_WAIT_MS",
                        policy.maxOpenWait().toMillis())), curve);
    }

    /** Off unless {@code _PACKING_MAX_ITEMS} is 2 or more; {@code _PACKING_MAX_TOKENS} defaults to 4000. */
    private static Packing packing(Map<String, String> env, String prefix) {
        long items = number(env, prefix + "PACKING_MAX_ITEMS", 0);
        if (items < 2) {
            return null;
        }
        return new Packing((int) Math.min(items, 100), number(env, prefix + "PACKING_MAX_TOKENS", 4_000));
    }

    /** The providers that pack, by name. */
    public Map<String, Packing> packing() {
        Map<String, Packing> out = new java.util.LinkedHashMap<>();
        providers.stream().filter(p -> p.packing() != null).forEach(p -> out.put(p.name(), p.packing()));
        return out;
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String v = value(env, name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number but was '" + v + "'", e);
        }
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}

package dev.athena.collector;

import dev.athena.collector.admission.ClientAllowlist;
import dev.athena.collector.quota.ClientQuotas;
import dev.athena.ops.OpsAddress;
import dev.athena.schemas.topic.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector's settings that a deployment sets in its environment, read alike by the collector alone and by
 * the all-in-one launcher. Unset or blank means the default; a value that cannot be used stops the start with a
 * message naming the variable, the value and what was expected.
 *
 * <ul>
 *   <li>{@value #WINDOW}: how long a batch stays open (the {@code athena.batch.window} of the design), default
 *       100 ms; it is the bulk lane's window.</li>
 *   <li>{@value #INTERACTIVE_WINDOW}: the interactive lane's, default half of {@value #WINDOW}.</li>
 *   <li>{@value #MAX_ITEMS} (default 32) and {@value #MAX_TOKENS} (estimated input tokens, default 100,000): a
 *       batch closes early at either.</li>
 *   <li>{@value #MAX_CODE_BYTES}: the largest code a request may carry, in bytes or with a KiB/MiB suffix,
 *       default 256 KiB, at most 1 MiB (escaped as JSON, code can grow sixfold, and records are capped at
 *       8 MiB).</li>
 *   <li>{@value #COMMIT_INTERVAL}: how often Streams commits, default 50 ms, at most 5 s; every exactly-once hop
 *       adds up to this to a request's latency.</li>
 *   <li>{@value #QUOTAS}: batch items per second per client, e.g. {@code team-a=100,ci-bot=5,*=20} ({@code *}
 *       for every other client, 0 for no limit); {@value #QUOTA_BURST} items may go at once after a quiet
 *       spell, default {@value #MAX_ITEMS}.</li>
 *   <li>{@value #BULK_QUOTAS}: the same for the bulk intake ({@code athena.requests.bulk}, where scans submit),
 *       which enforces rates of its own; unset, it enforces {@value #QUOTAS}.</li>
 *   <li>{@value ClientAllowlist#ENV}: see {@link ClientAllowlist}.</li>
 *   <li>{@value #OPS_PORT} and {@value #OPS_HOST}: where the collector running alone serves {@code /metrics}
 *       and {@code /health} ({@link dev.athena.ops.OpsEndpoint}), default port {@value
 *       #DEFAULT_OPS_PORT} on 127.0.0.1 (a deployment whose Prometheus scrapes from elsewhere sets the host, such
 *       as {@code 0.0.0.0}); {@code off} serves nothing.</li>
 * </ul>
 * Durations are whole milliseconds ({@code 100}, {@code 100ms}) or seconds ({@code 2s}).
 */
public final class CollectorEnvironment {
    public static final String WINDOW = "ATHENA_BATCH_WINDOW";
    public static final String INTERACTIVE_WINDOW = "ATHENA_BATCH_WINDOW_INTERACTIVE";
    public static final String MAX_ITEMS = "ATHENA_BATCH_MAX_ITEMS";
    public static final String MAX_TOKENS = "ATHENA_BATCH_MAX_TOKENS";
    public static final String MAX_CODE_BYTES = "ATHENA_MAX_CODE_BYTES";
    public static final String COMMIT_INTERVAL = "ATHENA_COLLECTOR_COMMIT_INTERVAL";
    public static final String QUOTAS = "ATHENA_CLIENT_QUOTAS";
    public static final String QUOTA_BURST = "ATHENA_CLIENT_QUOTA_BURST";
    public static final String BULK_QUOTAS = "ATHENA_CLIENT_QUOTAS_BULK";
    public static final String OPS_PORT = "ATHENA_COLLECTOR_OPS_PORT";
    public static final String OPS_HOST = "ATHENA_COLLECTOR_OPS_HOST";
    public static final int DEFAULT_OPS_PORT = 9401;
    /** Where to serve metrics and health when running alone. */
    public static final OpsAddress OPS = new OpsAddress(OPS_PORT, OPS_HOST, DEFAULT_OPS_PORT);

    private static final Duration MAX_WINDOW = Duration.ofSeconds(60);
    /** Half of Streams' exactly-once transaction timeout (10 s), so a commit never comes after its transaction died. */
    private static final Duration MAX_COMMIT_INTERVAL = Duration.ofSeconds(5);
    private static final int MAX_CODE_LIMIT = 1024 * 1024;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,9})\\s*(KiB|MiB)?");
    private static final Pattern QUOTA = Pattern.compile("(\\*|[^=\\s]+)\\s*=\\s*(\\d{1,9}(?:\\.\\d{1,6})?)");

    private CollectorEnvironment() {
    }

    /** {@code base} with whatever {@code env} sets. */
    public static CollectorSettings apply(CollectorSettings base, Map<String, String> env) {
        Duration bulk = duration(env, WINDOW, base.bulkWindow(), MAX_WINDOW);
        Duration interactive = duration(env, INTERACTIVE_WINDOW,
                set(env, WINDOW) ? halfOf(bulk) : base.interactiveWindow(), MAX_WINDOW);
        int maxItems = (int) whole(env, MAX_ITEMS, base.maxItems(), 10_000);
        long maxTokens = whole(env, MAX_TOKENS, base.maxTokens(), 1_000_000);
        int maxCodeBytes = size(env, MAX_CODE_BYTES, base.maxCodeBytes());
        Duration commit = duration(env, COMMIT_INTERVAL, base.commitInterval(), MAX_COMMIT_INTERVAL);
        int burst = (int) whole(env, QUOTA_BURST, maxItems, 1_000_000);
        ClientQuotas quotas = set(env, QUOTAS) || set(env, QUOTA_BURST)
                ? quotas(QUOTAS, env.get(QUOTAS), burst) : base.quotas();
        ClientQuotas bulkQuotas = set(env, BULK_QUOTAS) ? quotas(BULK_QUOTAS, env.get(BULK_QUOTAS), burst)
                : base.bulkQuotas();
        ClientAllowlist allowed = set(env, ClientAllowlist.ENV) ? allowlist(env.get(ClientAllowlist.ENV))
                : base.allowedClients();
        return new CollectorSettings(base.bootstrap(), base.applicationId(), base.stateDir(), interactive, bulk,
                maxItems, maxTokens, maxCodeBytes, commit, base.redisUrl(), quotas, allowed, bulkQuotas);
    }

    /** Rates by client; {@code *} sets the rate of everyone else. */
    static ClientQuotas quotas(String name, String csv, int burst) {
        double everyoneElse = 0;
        Map<String, Double> perClient = new HashMap<>();
        for (String part : csv == null ? new String[0] : csv.split(",")) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                continue;
            }
            Matcher m = QUOTA.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException(name + " entries must be client=itemsPerSecond or "
                        + "*=itemsPerSecond but one was '" + entry + "'");
            }
            double rate = Double.parseDouble(m.group(2));
            if (m.group(1).equals("*")) {
                everyoneElse = rate;
            } else if (!Topics.CLIENT_ID.matcher(m.group(1)).matches()) {
                throw new IllegalArgumentException(name + " names client '" + m.group(1)
                        + "', which is not a client id (" + Topics.CLIENT_ID.pattern() + ")");
            } else if (perClient.put(m.group(1), rate) != null) {
                throw new IllegalArgumentException(name + " gives client '" + m.group(1) + "' two rates");
            }
        }
        return new ClientQuotas(everyoneElse, perClient, burst);
    }

    private static ClientAllowlist allowlist(String csv) {
        try {
            return ClientAllowlist.parse(csv);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ClientAllowlist.ENV + ": " + e.getMessage(), e);
        }
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback, Duration max) {
        if (!set(env, name)) {
            return fallback;
        }
        String value = env.get(name);
        Matcher m = DURATION.matcher(value.strip());
        Duration parsed = null;
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            parsed = "s".equals(m.group(2)) ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
        }
        if (parsed == null || parsed.isZero() || parsed.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be a duration of 1 ms to " + max.toSeconds()
                    + " s, such as 100ms or 2s, but was '" + value + "'");
        }
        return parsed;
    }

    private static long whole(Map<String, String> env, String name, long fallback, long max) {
        if (!set(env, name)) {
            return fallback;
        }
        String value = env.get(name);
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed >= 1 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, with what was expected
        }
        throw new IllegalArgumentException(name + " must be a whole number from 1 to " + max + " but was '"
                + value + "'");
    }

    private static int size(Map<String, String> env, String name, int fallback) {
        if (!set(env, name)) {
            return fallback;
        }
        String value = env.get(name);
        Matcher m = SIZE.matcher(value.strip());
        long bytes = -1;
        if (m.matches()) {
            long unit = m.group(2) == null ? 1 : m.group(2).equals("KiB") ? 1024 : 1024 * 1024;
            bytes = Long.parseLong(m.group(1)) * unit;
        }
        if (bytes < 1 || bytes > MAX_CODE_LIMIT) {
            throw new IllegalArgumentException(name + " must be a size of 1 byte to 1 MiB, in bytes or with "
                    + "KiB or MiB (such as 262144 or 256KiB), but was '" + value + "'");
        }
        return (int) bytes;
    }

    private static Duration halfOf(Duration window) {
        return window.toMillis() < 2 ? window : Duration.ofMillis(window.toMillis() / 2);
    }

    private static boolean set(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }
}

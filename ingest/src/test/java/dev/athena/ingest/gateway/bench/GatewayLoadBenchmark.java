package dev.athena.ingest.gateway.bench;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ingest.gateway.Gateway;
import dev.athena.ingest.gateway.GatewaySettings;
import dev.athena.ingest.gateway.RateLimits;
import dev.athena.schemas.json.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load benchmark of the gateway: {@code GET /health} (static) and {@code POST /v1/analyses} (auth, validation,
 * PostgreSQL insert, Kafka produce with acks=all) against the same server in the same run, bounded in time,
 * concurrency and request count. Without {@code --url} it starts the local stack and a gateway in this JVM (so
 * client and server share the machine's cores; numbers are a floor, not a capacity).
 *
 * <pre>
 * ./mvnw -q -pl ingest test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.athena.ingest.gateway.bench.GatewayLoadBenchmark \
 *   -Dexec.args="--seconds 15 --concurrency 32 --max-requests 40000"
 * </pre>
 * With {@code --url http://127.0.0.1:8080 --key ath_...} it drives a running gateway instead.
 */
public final class GatewayLoadBenchmark {
    private static final String ADMIN_KEY = "bench-admin-" + "b".repeat(40);
    private static final String BODY = Json.writeString(Map.of("analysisType", "security", "language", "python",
            "code", "def find(u):\n    return db.execute(\"SELECT * FROM users WHERE name='\" + u + \"'\")\n"));

    private GatewayLoadBenchmark() {
    }

    record Options(int seconds, int concurrency, int maxRequests, String url, String key) {
        static Options parse(String[] args) {
            Map<String, String> map = new TreeMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                map.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            int seconds = Integer.parseInt(map.getOrDefault("seconds", "15"));
            int concurrency = Integer.parseInt(map.getOrDefault("concurrency", "32"));
            int max = Integer.parseInt(map.getOrDefault("max-requests", "40000"));
            if (seconds < 1 || seconds > 120 || concurrency < 1 || concurrency > 512 || max < 1 || max > 500_000) {
                throw new IllegalArgumentException("bounds: seconds 1..120, concurrency 1..512, max-requests "
                        + "1..500000 but were " + seconds + ", " + concurrency + ", " + max);
            }
            return new Options(seconds, concurrency, max, map.get("url"), map.get("key"));
        }
    }

    record Result(String name, long ok, long failed, double seconds, long[] latenciesMicros,
            Map<Integer, Long> statuses) {
        String line() {
            long[] l = latenciesMicros;
            Arrays.sort(l);
            return String.format(Locale.ROOT, "%-22s %8d ok %6d failed %9.1f req/s   p50 %7.2f ms   p99 %7.2f ms"
                    + "   p99.9 %7.2f ms   max %7.2f ms   statuses %s", name, ok, failed, ok / seconds,
                    pct(l, 0.50), pct(l, 0.99), pct(l, 0.999), l.length == 0 ? 0 : l[l.length - 1] / 1000.0,
                    statuses);
        }

        private static double pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return 0;
            }
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1000.0;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Gateway gateway = null;
        String base = options.url();
        String key = options.key();
        if (base == null) {
            Endpoints e = SharedLocalStack.get().endpoints();
            GatewaySettings settings = GatewaySettings.defaults(e.kafkaBootstrap(), e.redisUrl(), e.jdbcUrl(),
                    e.dbUser(), e.dbPassword(), 0).withAdminKey(ADMIN_KEY).withRateLimits(RateLimits.off());
            gateway = Gateway.start(settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            base = "http://127.0.0.1:" + gateway.port();
        }
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            if (key == null) {
                key = createKey(client, base);
            }
            HttpRequest health = HttpRequest.newBuilder(URI.create(base + "/health")).GET().build();
            HttpRequest submit = HttpRequest.newBuilder(URI.create(base + "/v1/analyses"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
            int warm = Math.max(2, options.seconds() / 5);
            run(client, "warm-up health", health, 200, warm, options);
            run(client, "warm-up POST", submit, 202, warm, options);
            List<Result> results = new ArrayList<>();
            results.add(run(client, "GET /health", health, 200, options.seconds(), options));
            results.add(run(client, "POST /v1/analyses", submit, 202, options.seconds(), options));
            String keyed = key;
            URI analyses = URI.create(base + "/v1/analyses");
            // what HttpAthenaClient sends: its request id as the Idempotency-Key, marked sent once produced
            results.add(run(client, "POST + Idempotency-Key", () -> HttpRequest.newBuilder(analyses)
                    .header("Authorization", "Bearer " + keyed)
                    .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), 202, options.seconds(), options));
            results.add(run(client, "GET /health (again)", health, 200, options.seconds(), options));
            System.out.printf(Locale.ROOT, "%nathena gateway load: %d virtual-thread clients, %d s per phase, "
                    + "%d cores, server %s%n", options.concurrency(), options.seconds(),
                    Runtime.getRuntime().availableProcessors(), options.url() == null ? "in-process" : base);
            results.forEach(r -> System.out.println(r.line()));
        } finally {
            if (gateway != null) {
                gateway.close();
            }
        }
        System.exit(0);
    }

    private static String createKey(HttpClient client, String base) throws Exception {
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/admin/keys"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"clientId\":\"bench\",\"scopes\":[\"submit\",\"read\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("could not create a key: " + created.statusCode());
        }
        return Json.tree(created.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)).get("key").stringValue();
    }

    private static Result run(HttpClient client, String name, HttpRequest request, int expected, int seconds,
            Options options) throws InterruptedException {
        return run(client, name, () -> request, expected, seconds, options);
    }

    /** {@code requests} gives each call its request (a fresh Idempotency-Key, say). */
    private static Result run(HttpClient client, String name, java.util.function.Supplier<HttpRequest> requests,
            int expected, int seconds, Options options) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        long[] latencies = new long[options.maxRequests()];
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < options.concurrency(); i++) {
            workers.add(Thread.ofVirtual().name("bench-" + i).start(() -> {
                while (System.nanoTime() < end && issued.incrementAndGet() <= options.maxRequests()) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<Void> response = client.send(requests.get(),
                                HttpResponse.BodyHandlers.discarding());
                        statuses.merge(response.statusCode(), 1L, Long::sum);
                        if (response.statusCode() == expected) {
                            latencies[recorded.getAndIncrement()] = (System.nanoTime() - t0) / 1_000;
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        statuses.merge(-1, 1L, Long::sum);
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Result(name, recorded.get(), failed.get(), elapsed,
                Arrays.copyOf(latencies, recorded.get()), new TreeMap<>(statuses));
    }
}

package dev.athena.collector;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the collector alone. {@code ATHENA_KAFKA_BOOTSTRAP} (default 127.0.0.1:9092) and {@code ATHENA_STATE_DIR}
 * (default {@code ./.athena/collector-state}), optional {@code ATHENA_REDIS_URL} for cache hits, and the windows,
 * caps, limits, quotas and allowlist of {@link CollectorEnvironment}. Stops cleanly on SIGTERM or Ctrl-C.
 */
public final class CollectorMain {
    private CollectorMain() {
    }

    public static void main(String[] args) {
        String bootstrap = env("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        Path stateDir = Path.of(env("ATHENA_STATE_DIR", ".athena/collector-state"));
        CountDownLatch stopped = new CountDownLatch(1);
        String redisUrl = System.getenv("ATHENA_REDIS_URL");
        CollectorSettings settings = CollectorEnvironment.apply(CollectorSettings.defaults(bootstrap, stateDir)
                .withRedisUrl(redisUrl == null || redisUrl.isBlank() ? null : redisUrl), System.getenv());
        BatchCollector collector = BatchCollector.start(settings, new SimpleMeterRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.close();
            stopped.countDown();
        }, "athena-collector-shutdown"));
        System.out.println("athena-batch-collector: running against " + bootstrap);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            collector.close();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

package dev.athena.collector;

import dev.athena.collector.ops.CollectorHealth;
import dev.athena.ops.OpsEndpoint;
import dev.athena.ops.OpsRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Runs the collector alone. {@code ATHENA_KAFKA_BOOTSTRAP} (default 127.0.0.1:9092) and {@code ATHENA_STATE_DIR}
 * (default {@code ./.athena/collector-state}), optional {@code ATHENA_REDIS_URL} for cache hits, and the windows,
 * caps, limits, quotas and allowlist of {@link CollectorEnvironment}, which also says where it serves its metrics
 * (its own, Kafka Streams' and the JVM's, for Prometheus) and health. Stops cleanly on SIGTERM or Ctrl-C; exits
 * with status 1 when one of its Streams applications stops on its own.
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
        PrometheusMeterRegistry registry = OpsRegistry.create();
        // until the collector runs, /health says so (503, CREATED)
        var served = OpsEndpoint.serveThenStart(CollectorEnvironment.OPS, System.getenv(), registry,
                (BatchCollector running) -> CollectorHealth.of(running == null ? KafkaStreams.State.CREATED
                        : running.state()), "collector", () -> BatchCollector.start(settings, registry));
        BatchCollector collector = served.service();
        Optional<OpsEndpoint> ops = served.endpoint();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ops.ifPresent(OpsEndpoint::close);
            collector.close();
            stopped.countDown();
        }, "athena-collector-shutdown"));
        System.out.println("athena-batch-collector: running against " + bootstrap + ops.map(endpoint ->
                ", metrics and health on " + endpoint.where()).orElse(""));
        try {
            // an application in ERROR never reads its intake again, while the process looks alive: exit, so that
            // a supervisor starts a fresh one
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                Optional<String> down = collector.stopped();
                if (down.isPresent()) {
                    System.err.println("athena-batch-collector: " + down.get() + ", exiting");
                    System.exit(1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ops.ifPresent(OpsEndpoint::close);
            collector.close();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

package dev.athena.collector;

import dev.athena.collector.ops.OpsEndpoint;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Runs the collector alone. {@code ATHENA_KAFKA_BOOTSTRAP} (default 127.0.0.1:9092) and {@code ATHENA_STATE_DIR}
 * (default {@code ./.athena/collector-state}), optional {@code ATHENA_REDIS_URL} for cache hits, and the windows,
 * caps, limits, quotas and allowlist of {@link CollectorEnvironment}, which also says where it serves its metrics
 * (its own, Kafka Streams' and the JVM's, for Prometheus) and health. Stops cleanly on SIGTERM or Ctrl-C.
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
        Optional<InetSocketAddress> opsAddress = CollectorEnvironment.opsAddress(System.getenv());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        // the endpoint first, so a port in use stops the start before the collector joins its groups; until the
        // collector runs, /health says so (503, CREATED)
        AtomicReference<BatchCollector> started = new AtomicReference<>();
        Optional<OpsEndpoint> ops;
        try {
            ops = opsAddress.map(address -> OpsEndpoint.start(address, registry, () -> started.get() == null
                    ? KafkaStreams.State.CREATED : started.get().state()));
        } catch (UncheckedIOException e) {
            throw new IllegalStateException(e.getMessage() + ": set " + CollectorEnvironment.OPS_PORT
                    + " to a free port (0 picks one) or to off, or " + CollectorEnvironment.OPS_HOST
                    + " to an address of this machine", e);
        }
        BatchCollector collector;
        try {
            collector = BatchCollector.start(settings, registry);
        } catch (RuntimeException e) {
            ops.ifPresent(OpsEndpoint::close);
            throw e;
        }
        started.set(collector);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ops.ifPresent(OpsEndpoint::close);
            collector.close();
            stopped.countDown();
        }, "athena-collector-shutdown"));
        System.out.println("athena-batch-collector: running against " + bootstrap + ops.map(endpoint ->
                ", metrics and health on " + opsAddress.get().getHostString() + ":" + endpoint.port()).orElse(""));
        try {
            stopped.await();
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

package dev.athena.workers;

import dev.athena.ops.OpsAddress;
import dev.athena.ops.OpsEndpoint;
import dev.athena.ops.OpsRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one worker instance alone. Configuration from the environment: {@code ATHENA_KAFKA_BOOTSTRAP} (default
 * 127.0.0.1:9092), {@code ATHENA_REDIS_URL} (default redis://127.0.0.1:6379), {@code ATHENA_WORKER_GROUP},
 * {@code ATHENA_WORKER_ID} (default: a random id; set it to the pod name for clean restarts),
 * {@code ATHENA_WORKER_MAX_BATCHES} ({@link WorkerEnvironment}). Serves {@code /metrics} (its meters and the
 * JVM's, for Prometheus) and {@code /health} ({@link WorkersHealth}) on {@code ATHENA_WORKERS_OPS_HOST}:{@code
 * ATHENA_WORKERS_OPS_PORT}, default 127.0.0.1:{@value #DEFAULT_OPS_PORT} ({@code off}: nowhere). Stops cleanly on
 * SIGTERM or Ctrl-C; exits with status 1 when its batch loop or provider batch poller stops on its own.
 */
public final class WorkersMain {
    public static final int DEFAULT_OPS_PORT = 9402;
    public static final OpsAddress OPS = new OpsAddress("ATHENA_WORKERS_OPS_PORT", "ATHENA_WORKERS_OPS_HOST",
            DEFAULT_OPS_PORT);
    private static final Logger LOG = LoggerFactory.getLogger(WorkersMain.class);

    private WorkersMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        WorkerSettings settings = WorkerEnvironment.apply(WorkerSettings.defaults(
                env("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:9092"), env("ATHENA_REDIS_URL", "redis://127.0.0.1:6379")),
                System.getenv());
        PrometheusMeterRegistry registry = OpsRegistry.create();
        var served = OpsEndpoint.serveThenStart(OPS, System.getenv(), registry, WorkersHealth::of, "workers",
                () -> ProviderWorkers.start(settings, registry));
        ProviderWorkers workers = served.service();
        Optional<OpsEndpoint> ops = served.endpoint();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping provider worker");
            ops.ifPresent(OpsEndpoint::close);
            workers.close();
        }, "athena-workers-shutdown"));
        LOG.info("athena provider workers: ready{}", ops.map(endpoint -> ", metrics and health on "
                + endpoint.where()).orElse(""));
        Optional<Throwable> death = workers.awaitDeath();
        if (death.isPresent()) {
            // a process that stays up without its loop does no work yet holds its instance id: exit, so that a
            // supervisor (Kubernetes, systemd) starts a fresh one; the shutdown hook closes what is left
            LOG.error("athena provider workers: stopping with status 1, {}", death.get().getMessage(),
                    death.get().getCause());
            System.exit(1);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

package dev.athena.workers;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one worker instance alone. Configuration from the environment: {@code ATHENA_KAFKA_BOOTSTRAP} (default
 * 127.0.0.1:9092), {@code ATHENA_REDIS_URL} (default redis://127.0.0.1:6379), {@code ATHENA_WORKER_GROUP},
 * {@code ATHENA_WORKER_ID} (default: a random id; set it to the pod name for clean restarts),
 * {@code ATHENA_WORKER_MAX_BATCHES}. Stops cleanly on SIGTERM or Ctrl-C; exits with status 1 when its batch loop
 * or provider batch poller stops on its own.
 */
public final class WorkersMain {
    private static final Logger LOG = LoggerFactory.getLogger(WorkersMain.class);

    private WorkersMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        WorkerSettings settings = WorkerSettings.defaults(env("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
                env("ATHENA_REDIS_URL", "redis://127.0.0.1:6379"));
        settings = settings.withGroupId(env("ATHENA_WORKER_GROUP", settings.groupId()))
                .withInstanceId(env("ATHENA_WORKER_ID", settings.instanceId()));
        String maxBatches = System.getenv("ATHENA_WORKER_MAX_BATCHES");
        if (maxBatches != null && !maxBatches.isBlank()) {
            settings = new WorkerSettings(settings.bootstrap(), settings.redisUrl(), settings.groupId(),
                    settings.instanceId(), Integer.parseInt(maxBatches.trim()));
        }
        ProviderWorkers workers = ProviderWorkers.start(settings, new SimpleMeterRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping provider worker");
            workers.close();
        }, "athena-workers-shutdown"));
        LOG.info("athena provider workers: ready");
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

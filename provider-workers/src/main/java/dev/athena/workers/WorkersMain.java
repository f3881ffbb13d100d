package dev.athena.workers;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one worker instance alone. Configuration from the environment: {@code ATHENA_KAFKA_BOOTSTRAP} (default
 * 127.0.0.1:9092), {@code ATHENA_REDIS_URL} (default redis://127.0.0.1:6379), {@code ATHENA_WORKER_GROUP},
 * {@code ATHENA_WORKER_ID} (default: a random id; set it to the pod name for clean restarts),
 * {@code ATHENA_WORKER_MAX_BATCHES}. Stops cleanly on SIGTERM or Ctrl-C.
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
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping provider worker");
            workers.close();
            done.countDown();
        }, "athena-workers-shutdown"));
        LOG.info("athena provider workers: ready");
        done.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

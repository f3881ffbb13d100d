package dev.athena.splitter;

import dev.athena.ops.OpsAddress;
import dev.athena.ops.OpsEndpoint;
import dev.athena.ops.OpsRegistry;
import dev.athena.splitter.store.Retention;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one splitter alone against external Kafka, Redis and PostgreSQL, configured from {@code ATHENA_KAFKA_BOOTSTRAP}
 * (default 127.0.0.1:9092), {@code ATHENA_REDIS_URL}, {@code ATHENA_DB_URL}, {@code ATHENA_DB_USER},
 * {@code ATHENA_DB_PASSWORD} and optionally {@code ATHENA_SPLITTER_GROUP} and {@code ATHENA_INSTANCE_ID} (a stable
 * id per instance lets a restart fence its predecessor at once; defaults to HOSTNAME), and the retention of its
 * tables ({@link Retention#fromEnvironment}). Serves {@code /metrics} (its meters and the JVM's, for Prometheus)
 * and {@code /health} ({@link SplitterHealth}) on {@code ATHENA_SPLITTER_OPS_HOST}:{@code ATHENA_SPLITTER_OPS_PORT},
 * default 127.0.0.1:{@value #DEFAULT_OPS_PORT} ({@code off}: nowhere). Stops on SIGTERM; exits with status 1 when
 * the delivery or the persistence path stops on its own.
 */
public final class SplitterMain {
    public static final int DEFAULT_OPS_PORT = 9403;
    public static final OpsAddress OPS = new OpsAddress("ATHENA_SPLITTER_OPS_PORT", "ATHENA_SPLITTER_OPS_HOST",
            DEFAULT_OPS_PORT);

    private SplitterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SplitterSettings settings = SplitterSettings.defaults(
                env("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
                env("ATHENA_REDIS_URL", "redis://127.0.0.1:6379"),
                env("ATHENA_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"),
                env("ATHENA_DB_USER", "postgres"),
                env("ATHENA_DB_PASSWORD", ""))
                .withGroupId(env("ATHENA_SPLITTER_GROUP", SplitterSettings.DEFAULT_GROUP));
        String instance = env("ATHENA_INSTANCE_ID", env("HOSTNAME", ""));
        if (!instance.isBlank()) {
            settings = settings.withInstanceId(instance);
        }
        String input = env("ATHENA_SPLITTER_INPUT", "");
        if (!input.isBlank()) {
            settings = settings.withInputTopic(input);
        }
        PrometheusMeterRegistry registry = OpsRegistry.create();
        SplitterSettings configured = settings;
        var served = OpsEndpoint.serveThenStart(OPS, System.getenv(), registry, SplitterHealth::of, "splitter",
                () -> ResultSplitter.start(configured, registry, Retention.fromEnvironment(System.getenv())));
        ResultSplitter splitter = served.service();
        Optional<OpsEndpoint> ops = served.endpoint();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ops.ifPresent(OpsEndpoint::close);
            splitter.close();
            stopped.countDown();
        }, "athena-splitter-shutdown"));
        System.out.println("athena-result-splitter: ready" + ops.map(endpoint -> ", metrics and health on "
                + endpoint.where()).orElse(""));
        // Either path stopping on its own leaves this instance holding partitions it no longer works on (results
        // undelivered, or rows never stored): exit non-zero so the supervisor restarts it or the group moves on.
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            Optional<String> down = splitter.stoppedPath();
            if (down.isPresent()) {
                System.err.println("athena-result-splitter: " + down.get() + " stopped (fenced or failed), exiting");
                System.exit(1);
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

package dev.athena.ingest.gateway;

import dev.athena.ingest.gateway.store.GatewayRetention;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the gateway alone, configured from the environment: ATHENA_KAFKA_BOOTSTRAP, ATHENA_REDIS_URL,
 * ATHENA_DB_URL/USER/PASSWORD, ATHENA_ADMIN_KEY, ATHENA_HTTP_PORT (8080), ATHENA_HTTP_HOST (127.0.0.1),
 * ATHENA_CORS_ORIGINS (comma-separated), ATHENA_KEY_HASH_SECRET (optional), ATHENA_RATE_LIMIT_PER_KEY,
 * ATHENA_RATE_LIMIT_PER_IP, ATHENA_RATE_LIMIT_GLOBAL (requests per minute, 0 = off), and the retention of its
 * tables ({@link GatewayRetention#fromEnvironment}).
 */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        GatewaySettings settings = GatewaySettings.fromEnvironment(System.getenv(),
                env("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
                env("ATHENA_REDIS_URL", "redis://127.0.0.1:6379"),
                env("ATHENA_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"),
                env("ATHENA_DB_USER", "postgres"),
                env("ATHENA_DB_PASSWORD", ""),
                Integer.parseInt(env("ATHENA_HTTP_PORT", "8080")));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gateway gateway = Gateway.start(settings, registry, GatewayRetention.fromEnvironment(System.getenv()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "athena-gateway-shutdown"));
        System.out.println("athena gateway: listening on port " + gateway.port());
        stopped.await();
    }


    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

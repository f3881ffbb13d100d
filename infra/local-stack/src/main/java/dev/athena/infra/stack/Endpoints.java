package dev.athena.infra.stack;

import java.util.Objects;

/** Where the pipeline's shared parts live. Every service is configured from one of these. */
public record Endpoints(String kafkaBootstrap, String redisUrl, String jdbcUrl, String dbUser, String dbPassword) {
    public Endpoints {
        Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
        Objects.requireNonNull(redisUrl, "redisUrl");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    }

    /** From {@code ATHENA_KAFKA_BOOTSTRAP}, {@code ATHENA_REDIS_URL}, {@code ATHENA_DB_URL} (+ user, password). */
    public static Endpoints fromEnvironment() {
        return new Endpoints(
                env("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
                env("ATHENA_REDIS_URL", "redis://127.0.0.1:6379"),
                env("ATHENA_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"),
                env("ATHENA_DB_USER", "postgres"),
                env("ATHENA_DB_PASSWORD", ""));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** For logs: the password is never printed. */
    @Override
    public String toString() {
        return "Endpoints[kafka=" + kafkaBootstrap + ", redis=" + redisUrl.replaceAll("//[^@/]*@", "//***@")
                + ", db=" + jdbcUrl + "]";
    }
}

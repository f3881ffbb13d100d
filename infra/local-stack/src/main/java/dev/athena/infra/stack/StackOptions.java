package dev.athena.infra.stack;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run the local stack. Each external endpoint, when present, replaces the embedded server for that part
 * ({@code ATHENA_KAFKA_BOOTSTRAP}, {@code ATHENA_REDIS_URL}, {@code ATHENA_DB_URL}). Port 0 means any free port.
 */
public record StackOptions(Path dataDir, int kafkaPort, int redisPort, int postgresPort,
        Optional<String> externalKafka, Optional<String> externalRedis, Optional<String> externalDb,
        String dbUser, String dbPassword) {

    public StackOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        for (int port : new int[] {kafkaPort, redisPort, postgresPort}) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535 but was " + port);
            }
        }
    }

    /** Embedded everything on free ports, unless the environment names external servers. */
    public static StackOptions fromEnvironment(Path dataDir, int kafkaPort) {
        return new StackOptions(dataDir, kafkaPort, 0, 0, env("ATHENA_KAFKA_BOOTSTRAP"), env("ATHENA_REDIS_URL"),
                env("ATHENA_DB_URL"), env("ATHENA_DB_USER").orElse("postgres"),
                env("ATHENA_DB_PASSWORD").orElse(""));
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }
}

package dev.athena.infra.stack;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A JVM that starts an embedded Redis and PostgreSQL, for {@link ServerExitIT}: {@code close DIR REDIS_PORT
 * PG_PORT} closes them from a shutdown hook of its own, as {@code ./athena up} does, after checking that both still
 * answer while the JVM exits; {@code leave ...} never closes them; {@code hold ...} runs until it is killed.
 */
final class ServerExitProbe {
    private ServerExitProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean close = args[0].equals("close");
        Path dir = Path.of(args[1]);
        int redisPort = Integer.parseInt(args[2]);
        EmbeddedRedis redis = EmbeddedRedis.start(dir.resolve("redis"), redisPort);
        EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("postgres"), Integer.parseInt(args[3]));
        if (close) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                sleep(1_500); // as services draining at exit would still be using them
                System.out.println("redis " + (redisAnswers(redisPort) ? "answered" : "did not answer"));
                System.out.println("postgres " + (postgresAnswers(postgres.jdbcUrl()) ? "answered" : "did not answer"));
                postgres.close();
                redis.close();
                System.out.println("closed");
                System.out.flush();
            }));
        }
        System.out.println("started");
        System.out.flush();
        if (close || args[0].equals("hold")) {
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static boolean redisAnswers(int port) {
        try {
            return RedisWire.command(port, "PING").equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean postgresAnswers(String jdbcUrl) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

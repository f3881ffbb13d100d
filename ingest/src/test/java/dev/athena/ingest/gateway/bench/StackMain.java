package dev.athena.ingest.gateway.bench;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the local stack and prints its endpoints as environment assignments, so {@code GatewayMain} and the
 * benchmark can run in JVMs of their own against it. Stops (and cleans up) on SIGTERM.
 */
public final class StackMain {
    private StackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Endpoints e = SharedLocalStack.get().endpoints();
        System.out.println("ATHENA_KAFKA_BOOTSTRAP=" + e.kafkaBootstrap());
        System.out.println("ATHENA_REDIS_URL=" + e.redisUrl());
        System.out.println("ATHENA_DB_URL=" + e.jdbcUrl());
        System.out.println("ATHENA_DB_USER=" + e.dbUser());
        System.out.println("ATHENA_DB_PASSWORD=" + e.dbPassword());
        System.out.println("stack: ready");
        new CountDownLatch(1).await();
    }
}

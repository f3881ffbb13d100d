package dev.athena.infra.stack;

import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.Topics;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka, Redis and PostgreSQL for one JVM: embedded where no external server is configured. Creates the
 * pipeline's topics. Closing stops only what it started, in reverse order.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final Endpoints endpoints;
    private final Deque<AutoCloseable> started;
    private final Optional<EmbeddedRedis> redis;

    private LocalStack(Endpoints endpoints, Deque<AutoCloseable> started, Optional<EmbeddedRedis> redis) {
        this.endpoints = endpoints;
        this.started = started;
        this.redis = redis;
    }

    public static LocalStack start(StackOptions options) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        // first and released last: no second stack may touch the servers' files meanwhile
        started.push(DataDirectoryLock.acquire(options.dataDir()));
        // Redis and then PostgreSQL start beside the broker (each may first stop what a killed run left on its
        // files); started after it, their start times added to the broker's. Not beside each other: each writes
        // out its binaries and runs them, and a process forked by one while the other's binary is still open for
        // writing makes that binary's exec fail ("Text file busy"); the broker forks nothing.
        CompletableFuture<Servers> serversStart = CompletableFuture.supplyAsync(() -> Servers.start(options),
                LocalStack::onDaemonThread);
        Throwable failure = null;
        String kafka = null;
        try {
            kafka = options.externalKafka().orElseGet(() -> {
                int port = options.kafkaPort() == 0 ? FreePorts.pick() : options.kafkaPort();
                EmbeddedKafka broker = EmbeddedKafka.start(options.dataDir().resolve("kafka"), port);
                started.push(broker);
                return broker.bootstrap();
            });
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // waited for also after the broker failed, so that whatever did start is stopped; join() waits through an
        // interrupt, and Servers.start returns its failure rather than throwing it
        Servers servers = serversStart.join();
        servers.redis().ifPresent(started::push);
        servers.postgres().ifPresent(started::push);
        if (servers.failure() != null && failure == null) {
            failure = servers.failure();
        } else if (servers.failure() != null) {
            failure.addSuppressed(servers.failure());
        }
        try {
            if (failure != null) {
                throw failure;
            }
            String redisUrl = servers.redis().map(EmbeddedRedis::url).orElseGet(() -> options.externalRedis().get());
            String jdbcUrl = servers.postgres().map(EmbeddedPostgres::jdbcUrl)
                    .orElseGet(() -> options.externalDb().get());
            String user = options.externalDb().isPresent() ? options.dbUser() : "postgres";
            String password = options.externalDb().isPresent() ? options.dbPassword() : "";
            Endpoints endpoints = new Endpoints(kafka, redisUrl, jdbcUrl, user, password);
            createTopics(kafka);
            LOG.info("local stack up: {}", endpoints);
            return new LocalStack(endpoints, started, servers.redis());
        } catch (Throwable e) {
            // stop what did start (a broker's threads would keep the JVM alive), then let the failure through
            closeAll(started);
            throw rethrown(e);
        }
    }

    /** The embedded Redis and PostgreSQL that started (none where external), and why the next did not. */
    private record Servers(Optional<EmbeddedRedis> redis, Optional<EmbeddedPostgres> postgres, Throwable failure) {
        static Servers start(StackOptions options) {
            EmbeddedRedis redis = null;
            try {
                if (options.externalRedis().isEmpty()) {
                    redis = EmbeddedRedis.start(options.dataDir().resolve("redis"),
                            options.redisPort() == 0 ? FreePorts.pick() : options.redisPort());
                }
                EmbeddedPostgres postgres = options.externalDb().isPresent() ? null : EmbeddedPostgres.start(
                        options.dataDir().resolve("postgres"),
                        options.postgresPort() == 0 ? FreePorts.pick() : options.postgresPort());
                return new Servers(Optional.ofNullable(redis), Optional.ofNullable(postgres), null);
            } catch (RuntimeException | Error e) {
                return new Servers(Optional.ofNullable(redis), Optional.empty(), e);
            }
        }
    }

    private static void onDaemonThread(Runnable start) {
        Thread thread = new Thread(start, "local-stack-start");
        thread.setDaemon(true);
        thread.start();
    }

    private static RuntimeException rethrown(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException("the local stack did not start", e);
    }

    private static void createTopics(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin).ensure(Topics.pipeline());
        }
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    /** The embedded Redis, when this stack started one: tests stop and restart it. */
    public Optional<EmbeddedRedis> embeddedRedis() {
        return redis;
    }

    @Override
    public void close() {
        closeAll(started);
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("error stopping {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}

package dev.athena.infra.stack;

import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.Topics;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
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
        try {
            String kafka = options.externalKafka().orElseGet(() -> {
                int port = options.kafkaPort() == 0 ? FreePorts.pick() : options.kafkaPort();
                EmbeddedKafka broker = EmbeddedKafka.start(options.dataDir().resolve("kafka"), port);
                started.push(broker);
                return broker.bootstrap();
            });
            EmbeddedRedis embeddedRedis = null;
            String redisUrl;
            if (options.externalRedis().isPresent()) {
                redisUrl = options.externalRedis().get();
            } else {
                int port = options.redisPort() == 0 ? FreePorts.pick() : options.redisPort();
                embeddedRedis = EmbeddedRedis.start(options.dataDir().resolve("redis"), port);
                started.push(embeddedRedis);
                redisUrl = embeddedRedis.url();
            }
            String jdbcUrl = options.externalDb().orElseGet(() -> {
                int port = options.postgresPort() == 0 ? FreePorts.pick() : options.postgresPort();
                EmbeddedPostgres pg = EmbeddedPostgres.start(options.dataDir().resolve("postgres"), port);
                started.push(pg);
                return pg.jdbcUrl();
            });
            String user = options.externalDb().isPresent() ? options.dbUser() : "postgres";
            String password = options.externalDb().isPresent() ? options.dbPassword() : "";
            Endpoints endpoints = new Endpoints(kafka, redisUrl, jdbcUrl, user, password);
            createTopics(kafka);
            LOG.info("local stack up: {}", endpoints);
            return new LocalStack(endpoints, started, Optional.ofNullable(embeddedRedis));
        } catch (RuntimeException | Error e) {
            // stop what did start (a broker's threads would keep the JVM alive), then let the failure through
            closeAll(started);
            throw e;
        }
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

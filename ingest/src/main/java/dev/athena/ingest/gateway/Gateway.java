package dev.athena.ingest.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.athena.ingest.gateway.analysis.CancelRequests;
import dev.athena.ingest.gateway.analysis.LiveFeed;
import dev.athena.ingest.gateway.analysis.ResultLookup;
import dev.athena.ingest.gateway.analysis.ResultTopics;
import dev.athena.ingest.gateway.analysis.Submitter;
import dev.athena.ingest.gateway.auth.Authenticator;
import dev.athena.ingest.gateway.auth.ExpiringKeys;
import dev.athena.ingest.gateway.auth.KeyHasher;
import dev.athena.ingest.gateway.auth.KeyStore;
import dev.athena.ingest.gateway.cache.CacheInvalidations;
import dev.athena.ingest.gateway.health.ProviderHealthReader;
import dev.athena.ingest.gateway.http.GatewayCore;
import dev.athena.ingest.gateway.http.OpenStreams;
import dev.athena.ingest.gateway.http.GatewayWebConfig;
import dev.athena.ingest.gateway.http.RequestGuard;
import dev.athena.ingest.gateway.http.TomcatWorkDirectory;
import dev.athena.ingest.gateway.limit.RateLimiter;
import dev.athena.ingest.gateway.store.AuditLog;
import dev.athena.ingest.gateway.store.GatewayMigrations;
import dev.athena.ingest.gateway.store.GatewayRetention;
import dev.athena.ingest.gateway.store.RetentionSweeper;
import dev.athena.ingest.gateway.store.SecretStore;
import dev.athena.ingest.gateway.stream.EventPump;
import dev.athena.ingest.gateway.usage.UsageLedger;
import dev.athena.schemas.validation.RequestDecoder;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The HTTP gateway: plain Java parts (database, Kafka, Redis, keys, lookup) built here, handed to a Spring MVC
 * application that owns only the server and the controllers. {@link #start} returns once it listens.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final ConfigurableApplicationContext context;
    private final Deque<AutoCloseable> resources;
    private final int port;

    private Gateway(ConfigurableApplicationContext context, Deque<AutoCloseable> resources) {
        this.context = context;
        this.resources = resources;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public static Gateway start(GatewaySettings settings, MeterRegistry registry) {
        return start(settings, registry, GatewayRetention.DEFAULT);
    }

    /** As {@link #start(GatewaySettings, MeterRegistry)}, sweeping old rows as {@code retention} says. */
    public static Gateway start(GatewaySettings settings, MeterRegistry registry, GatewayRetention retention) {
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            Clock clock = Clock.systemUTC();
            SecureRandom random = new SecureRandom();
            HikariDataSource dataSource = dataSource(settings);
            resources.push(dataSource);
            GatewayMigrations.migrate(dataSource);
            byte[] secret = settings.keyHashSecret() != null
                    ? settings.keyHashSecret().getBytes(StandardCharsets.UTF_8)
                    : new SecretStore(dataSource, clock).getOrCreate("api-key-hmac", random);
            KafkaProducer<String, byte[]> producer = producer(settings.bootstrap());
            resources.push(producer);
            RedissonClient redisson = redisson(settings.redisUrl());
            resources.push(redisson::shutdown);
            ResultTopics resultTopics = new ResultTopics(settings.bootstrap());
            resources.push(resultTopics);
            LiveFeed feed = new LiveFeed(settings.bootstrap(), Duration.ofSeconds(5)).start(Duration.ofSeconds(30));
            resources.push(feed);

            GatewayMetrics metrics = new GatewayMetrics(registry);
            AuditLog audit = new AuditLog(dataSource, clock);
            KeyStore keys = new KeyStore(dataSource, clock);
            scheduleChores(new RetentionSweeper(dataSource, retention, clock), retention,
                    new ExpiringKeys(keys, metrics), resources);
            Authenticator authenticator = new Authenticator(keys, new KeyHasher(secret),
                    random, settings.adminKey(), Duration.ofSeconds(5), Ticker.systemTicker(), clock);
            Submitter submitter = new Submitter(producer, dataSource, RequestDecoder.ofDefaults(), clock,
                    Duration.ofSeconds(10));
            ResultLookup lookup = new ResultLookup(dataSource, feed, submitter, Duration.ofSeconds(1), clock);
            RateLimiter limiter = new RateLimiter(redisson, settings.rateLimits());
            RequestGuard guard = new RequestGuard(authenticator, limiter, audit, metrics);
            EventPump pump = new EventPump(feed, lookup, clock, Duration.ofSeconds(1), Duration.ofSeconds(15));
            GatewayCore core = new GatewayCore(authenticator, submitter, lookup, feed, audit, pump, metrics, registry,
                    guard, limiter, new CacheInvalidations(redisson), resultTopics,
                    new ProviderHealthReader(redisson, clock, ProviderHealthReader.DEFAULT_MAX_AGE),
                    new OpenStreams(settings.rateLimits().openStreamsPerClient()), new UsageLedger(dataSource, clock),
                    new CancelRequests(redisson),
                    settings.maxBodyBytes(), settings.maxWait(), settings.corsOrigins());
            TomcatWorkDirectory tomcatDirectory = TomcatWorkDirectory.create();
            resources.push(tomcatDirectory);
            ConfigurableApplicationContext context = web(settings, core, tomcatDirectory);
            Gateway gateway = new Gateway(context, resources);
            LOG.info("gateway listening on {}:{} ({})", settings.bindHost(), gateway.port, settings);
            return gateway;
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /** The gateway's background chores on one thread: retention sweeps, counting keys about to expire. */
    private static void scheduleChores(RetentionSweeper sweeper, GatewayRetention retention, ExpiringKeys keys,
            Deque<AutoCloseable> resources) {
        ScheduledExecutorService chores = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("athena-gateway-chores").daemon().factory());
        resources.push(chores::shutdownNow);
        chores.scheduleWithFixedDelay(() -> chore("counting keys about to expire", keys::refresh), 0,
                ExpiringKeys.EVERY.toMillis(), TimeUnit.MILLISECONDS);
        if (retention.keepsEverything()) {
            return;
        }
        // not at once: a fleet restarting together should not all sweep in its first second
        long first = Math.min(retention.every().toMillis(), Duration.ofMinutes(1).toMillis());
        chores.scheduleWithFixedDelay(() -> chore("retention sweep", sweeper::sweep), first,
                retention.every().toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void chore(String what, Runnable chore) {
        try {
            chore.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed, the next one carries on: {}", what, e.getMessage());
        }
    }

    private static ConfigurableApplicationContext web(GatewaySettings settings, GatewayCore core,
            TomcatWorkDirectory tomcatDirectory) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.tomcat.basedir", tomcatDirectory.path().toString());
        properties.put("server.address", settings.bindHost());
        properties.put("server.port", settings.port());
        properties.put("server.shutdown", "immediate");
        properties.put("server.tomcat.max-swallow-size", settings.maxBodyBytes());
        properties.put("server.tomcat.threads.max", 200);
        properties.put("spring.threads.virtual.enabled", true);
        properties.put("spring.web.resources.add-mappings", false);
        properties.put("spring.main.banner-mode", "off");
        var app = new SpringApplicationBuilder(GatewayWebConfig.class)
                .web(WebApplicationType.SERVLET)
                .bannerMode(Banner.Mode.OFF)
                .registerShutdownHook(false)
                .logStartupInfo(false)
                .properties(properties)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("gatewayCore", core))
                .build();
        // No listeners from spring.factories: the host's logging setup and config files are not ours to change.
        app.setListeners(List.of());
        return app.run();
    }

    private static HikariDataSource dataSource(GatewaySettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.dbUser());
        config.setPassword(settings.dbPassword());
        config.setMaximumPoolSize(16);
        config.setPoolName("athena-gateway-db");
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.CLIENT_ID_CONFIG, "athena-gateway"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Lazily connected: a gateway started while Redis is down serves (limits degraded, cancellations and
     * invalidations refused with 503, as in an outage) and uses Redis once it answers.
     */
    private static RedissonClient redisson(String url) {
        Config config = new Config();
        config.setLazyInitialization(true);
        config.useSingleServer().setAddress(url).setConnectionMinimumIdleSize(2).setConnectionPoolSize(32)
                .setRetryAttempts(1).setTimeout(1_000).setConnectTimeout(1_000).setPingConnectionInterval(2_000);
        config.setThreads(2).setNettyThreads(4);
        return Redisson.create(config);
    }

    public int port() {
        return port;
    }

    /** For tests of the wiring: what Spring was allowed to create. */
    ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
        closeAll(resources);
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }
}

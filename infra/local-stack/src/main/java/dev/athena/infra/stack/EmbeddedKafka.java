package dev.athena.infra.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this JVM, bound to 127.0.0.1.
 * Its log directory survives a restart when the caller keeps it.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** How long the controller waits for a broker that stopped sending heartbeats (its own, after a kill). */
    static final Duration SESSION = Duration.ofSeconds(4);
    private final KafkaRaftServer server;
    private final String bootstrap;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrap) {
        this.server = server;
        this.bootstrap = bootstrap;
    }

    public static EmbeddedKafka start(Path logDir, int port) {
        return start(logDir, port, Map.of());
    }

    /**
     * A broker with settings of its own besides the usual ones (a test's broker-side policy, say); they win over
     * the usual ones.
     */
    public static EmbeddedKafka start(Path logDir, int port, Map<String, String> brokerConfig) {
        int controllerPort = FreePorts.pick();
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", logDir.toAbsolutePath().toString()),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "6"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "6"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("num.partitions", "3"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // A broker started again after a kill registers anew and waits until its dead predecessor's
                // session ends: 9 s by default, most of a restart. Here broker and controller share one JVM, so
                // four missed heartbeats mean it is gone, not slow.
                Map.entry("broker.session.timeout.ms", Long.toString(SESSION.toMillis())),
                Map.entry("broker.heartbeat.interval.ms", "1000"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE)),
                Map.entry("transaction.abort.timed.out.transaction.cleanup.interval.ms", "5000")));
        props.putAll(brokerConfig);
        try {
            Files.createDirectories(logDir);
            format(logDir, props);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka log dir " + logDir, e);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + port;
        EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap);
        kafka.awaitReady(Duration.ofSeconds(60));
        LOG.info("Kafka broker ready on {}", bootstrap);
        return kafka;
    }

    private static void format(Path logDir, Properties props) throws IOException {
        Path config = logDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "athena embedded broker");
        }
        var captured = new ByteArrayOutputStream();
        int code = kafka.tools.StorageTool.execute(new String[] {"format", "-t", clusterId(logDir), "-c",
                config.toString(), "--ignore-formatted"}, new PrintStream(captured, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("formatting Kafka storage failed (" + code + "): " + captured);
        }
    }

    /** The cluster id is kept beside the logs so a restart on the same directory finds the same cluster. */
    private static String clusterId(Path logDir) throws IOException {
        Path file = logDir.resolve("athena-cluster-id");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id);
        return id;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka broker did not become ready on " + bootstrap, e);
                    }
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted waiting for Kafka", e);
                    }
                }
            }
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}

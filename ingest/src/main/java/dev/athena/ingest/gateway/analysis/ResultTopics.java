package dev.athena.ingest.gateway.analysis;

import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.Topics;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a client's result topic when its first key is issued, so the live feed follows it before any result
 * is written there. Best effort: the splitter creates it too, and the feed reads late-found topics from the start.
 */
public final class ResultTopics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultTopics.class);

    private final Admin admin;
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();

    public ResultTopics(String bootstrap) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "athena-gateway-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    }

    public void ensure(String clientId) {
        if (ensured.contains(clientId)) {
            return;
        }
        try {
            new TopicProvisioner(admin).ensureAllowingSmallerRecords(Topics.resultsFor(clientId));
            ensured.add(clientId);
        } catch (KafkaException | IllegalStateException e) {
            LOG.warn("could not create the result topic of a new client: {}", e.toString());
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}

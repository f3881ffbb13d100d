package dev.athena.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.topic.Topics;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class LocalStackIT {
    @Test
    void shouldStartKafkaWithThePipelineTopicsAndReachablePostgres() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()))) {
            assertThat(admin.listTopics().names().get()).contains(Topics.REQUESTS, Topics.BATCHES,
                    Topics.BATCH_RESULTS, Topics.CHUNKS, Topics.REQUESTS_DLQ);
        }
        try (var conn = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
                var rs = conn.createStatement().executeQuery("select 41 + 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
        assertThat(SharedLocalStack.get().embeddedRedis()).hasValueSatisfying(r -> assertThat(r.isRunning()).isTrue());
    }

    /** A restart after a kill waits for the dead broker's session to end: short here, not Kafka's 9 s. */
    @Test
    void shouldEndAGoneBrokersSessionAfterFourSeconds() throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            String node = Integer.toString(admin.describeCluster().nodes().get().iterator().next().id());
            Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, node)))
                    .all().get().values().iterator().next();
            assertThat(config.get("broker.session.timeout.ms").value()).isEqualTo("4000");
            assertThat(config.get("broker.heartbeat.interval.ms").value()).isEqualTo("1000");
        }
    }
}

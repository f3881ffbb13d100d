package dev.athena.launcher;

import dev.athena.infra.stack.Endpoints;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Requests as a plain Kafka producer writes them to {@code athena.requests}, keyed by request id. */
final class RawRequests {
    private RawRequests() {
    }

    /** A security request for interactive answers, its path named after {@code pathName}. */
    static byte[] json(String requestId, String clientId, String pathName, String code) {
        return """
                {"schemaVersion": 1, "requestId": "%s", "clientId": "%s", "analysisType": "security",
                 "language": "python", "path": "app/%s.py", "code": %s, "lane": "interactive"}"""
                .formatted(requestId, clientId, pathName, Json.writeString(code)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Two request ids that Kafka's default partitioner (murmur2 of the key) puts on one partition of the requests
     * topic ({@code samePartition}) or on two.
     */
    static List<String> twoIds(Endpoints endpoints, String run, boolean samePartition) throws Exception {
        int partitions;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()))) {
            partitions = admin.describeTopics(List.of(Topics.REQUESTS)).allTopicNames().get().get(Topics.REQUESTS)
                    .partitions().size();
        }
        String first = "req-" + run + "-0";
        for (int i = 1; ; i++) {
            String other = "req-" + run + "-" + i;
            if ((RequestPartitions.of(first, partitions) == RequestPartitions.of(other, partitions)) == samePartition) {
                return List.of(first, other);
            }
        }
    }
}

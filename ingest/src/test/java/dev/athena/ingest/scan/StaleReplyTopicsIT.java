package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Reply topics that failed or unfinished scans left behind, on the real broker. */
@Tag("integration")
class StaleReplyTopicsIT {
    private final String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String client = "stale-" + run;
    private final String otherClient = "stale-other-" + run;
    private final Instant now = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void shouldDeleteOnlyThisClientsReplyTopicsOfScansOlderThanKept() throws Exception {
        String twoDaysOld = ScanKafka.replyTopic(client, scanIdAt(now.minus(Duration.ofDays(2))));
        String hourOld = ScanKafka.replyTopic(client, scanIdAt(now.minus(Duration.ofHours(1))));
        String othersOld = ScanKafka.replyTopic(otherClient, scanIdAt(now.minus(Duration.ofDays(2))));
        String notAScan = ScanKafka.replyTopic(client, "handmade");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(twoDaysOld, hourOld, othersOld, notAScan).stream()
                    .map(name -> new NewTopic(name, 1, (short) 1)).toList()).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(List.of(twoDaysOld, hourOld))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }

            try (ScanKafka kafka = new ScanKafka(bootstrap, client, scanIdAt(now))) {
                assertThat(kafka.deleteStaleReplyTopics(now, Duration.ofDays(1))).containsExactly(twoDaysOld);
            }

            Set<String> left = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(left).doesNotContain(twoDaysOld).contains(hourOld, othersOld, notAScan);
        }
    }

    private static String scanIdAt(Instant at) {
        return RepositoryScan.newScanId(Clock.fixed(at, ZoneOffset.UTC));
    }
}

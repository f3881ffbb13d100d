package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A worker killed outright (no leave, no commit) and started again under the same instance id: as a static member
 * of the group it takes its partitions back at once, instead of after the dead member's session (15 s; as a
 * dynamic member the default 45 s, all that time with nobody working on those partitions).
 */
@Tag("integration")
class WorkerRestartIT {
    private static final Duration SESSION = Duration.ofSeconds(15);

    @Test
    void shouldTakeItsPartitionsBackAtOnceWhenStartedAgainUnderItsIdAfterBeingKilled() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String group = "it-restart-" + suffix;
        String instance = "restart-" + suffix;
        Process first = worker(endpoints, group, instance);
        long killedAt;
        try {
            List<String> output = new ArrayList<>();
            var lines = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.contains("athena provider workers: ready")) {
                output.add(line);
            }
            assertThat(line).as("the first worker's output: %s", output).isNotNull();
            first.destroyForcibly(); // SIGKILL: the group hears nothing from it
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            killedAt = System.nanoTime();
        } finally {
            first.destroyForcibly().waitFor();
        }

        WorkerSettings settings = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                .withGroupId(group).withInstanceId(instance);
        try (ProviderWorkers again = ProviderWorkers.start(settings, new SimpleMeterRegistry())) {
            Duration tookOver = Duration.ofNanos(System.nanoTime() - killedAt);

            assertThat(tookOver).as("from the kill to the partitions assigned again").isLessThan(SESSION);
            List<MemberDescription> members = members(endpoints, group);
            assertThat(members).hasSize(1);
            assertThat(members.getFirst().groupInstanceId()).hasValue("athena-workers-" + instance);
            assertThat(members.getFirst().assignment().topicPartitions()).isNotEmpty();
        }
    }

    private static Process worker(Endpoints endpoints, String group, String instance) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), WorkersMain.class.getName())).redirectErrorStream(true);
        builder.environment().putAll(Map.of("ATHENA_KAFKA_BOOTSTRAP", endpoints.kafkaBootstrap(),
                "ATHENA_REDIS_URL", endpoints.redisUrl(), "ATHENA_WORKER_GROUP", group, "ATHENA_WORKER_ID", instance,
                "ATHENA_WORKERS_OPS_PORT", "off"));
        return builder.start();
    }

    private static List<MemberDescription> members(Endpoints endpoints, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()))) {
            return List.copyOf(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get()
                    .members());
        }
    }
}

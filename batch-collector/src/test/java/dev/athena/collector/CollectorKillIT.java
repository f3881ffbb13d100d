package dev.athena.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ops.InstanceIdFile;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector killed outright (no leave, no commit), then started again on its state directory: its stream
 * threads are static members of their groups under the id kept there, so it takes its tasks back at once instead
 * of waiting out the dead members' sessions (as dynamic members: 45 s by default, with nobody reading the intake).
 */
@Tag("integration")
class CollectorKillIT {
    private static final Duration SESSION = Duration.ofSeconds(15);

    @Test
    void shouldTakeItsTasksBackAtOnceWhenStartedAgainOnItsStateDirectoryAfterBeingKilled(@TempDir Path stateDir,
            @TempDir Path probeTmp) throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String applicationId = "collector-kill-it-" + UUID.randomUUID().toString().substring(0, 8);
        Process first = probe(bootstrap, applicationId, stateDir, probeTmp);
        long killedAt;
        try {
            List<String> output = new ArrayList<>();
            var lines = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.equals("running")) {
                output.add(line);
            }
            assertThat(line).as("the first collector's output: %s", output).isNotNull();
            first.destroyForcibly(); // SIGKILL: its groups hear nothing from it
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            killedAt = System.nanoTime();
        } finally {
            first.destroyForcibly().waitFor();
        }

        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir).withApplicationId(applicationId);
        try (BatchCollector again = BatchCollector.start(settings, new SimpleMeterRegistry())) {
            Duration tookOver = Duration.ofNanos(System.nanoTime() - killedAt);

            assertThat(tookOver).as("from the kill to both applications running again").isLessThan(SESSION);
            String member = InstanceIdFile.keptIn(stateDir, "collector");
            for (Intake intake : Intake.values()) {
                List<MemberDescription> members = members(bootstrap, intake.applicationId(applicationId));
                assertThat(members).as(intake.topic()).hasSize(1);
                assertThat(members.getFirst().groupInstanceId()).as(intake.topic()).hasValueSatisfying(
                        id -> assertThat(id).startsWith(member));
            }
        }
    }

    /**
     * The collector in a JVM of its own, whose temporary files (RocksDB's extracted library, 14 MB, which only a
     * normal exit deletes) go to {@code tmp}, deleted with the test.
     */
    private static Process probe(String bootstrap, String applicationId, Path stateDir, Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), CollectorProbe.class.getName(), bootstrap, applicationId,
                stateDir.toString())).redirectErrorStream(true).start();
    }

    private static List<MemberDescription> members(String bootstrap, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return List.copyOf(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get()
                    .members());
        }
    }
}

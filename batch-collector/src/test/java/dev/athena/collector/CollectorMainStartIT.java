package dev.athena.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector run alone ({@link CollectorMain}) whose start fails half-way: it must exit with the error, so that
 * a supervisor starts it again, rather than stay up with nothing reading its intakes. The main intake's application,
 * made before the bulk intake's failed, has a thread that is no daemon and would keep the JVM alive unless closed.
 */
@Tag("integration")
class CollectorMainStartIT {
    @Test
    void shouldExitWithTheErrorWhenItsStartFailsHalfWay(@TempDir Path stateDir, @TempDir Path tmp) throws Exception {
        String bulk = Intake.BULK.applicationId(CollectorSettings.DEFAULT_APPLICATION_ID);
        Files.writeString(stateDir.resolve(bulk), "not a directory");
        Path output = tmp.resolve("collector.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                CollectorMain.class.getName())).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("ATHENA_KAFKA_BOOTSTRAP", SharedLocalStack.get().endpoints().kafkaBootstrap());
        builder.environment().put("ATHENA_STATE_DIR", stateDir.toString());
        builder.environment().put(CollectorEnvironment.OPS_PORT, "off");
        builder.environment().remove("ATHENA_REDIS_URL");
        Process collector = builder.start();
        try {
            boolean exited = collector.waitFor(90, TimeUnit.SECONDS);

            assertThat(exited).as("exited within 90 s; its output:%n%s", Files.readString(output)).isTrue();
            assertThat(collector.exitValue()).isNotZero();
            assertThat(Files.readString(output)).contains(bulk);
        } finally {
            collector.destroyForcibly().waitFor();
        }
    }
}

package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** `./athena up` refuses a bad setting before it starts any server, naming the variable and the value. */
class EnvironmentCheckTest {
    private final Path dataDir = Path.of("unused");

    @Test
    void shouldAcceptAnEmptyEnvironmentAndGoodValues() {
        assertThatCode(() -> EmbeddedPipeline.checkEnvironment(Map.of(), dataDir)).doesNotThrowAnyException();
        assertThatCode(() -> EmbeddedPipeline.checkEnvironment(Map.of("ATHENA_BATCH_WINDOW", "200ms",
                "ATHENA_CLIENT_QUOTAS", "team-a=10,*=2", "ATHENA_RATE_LIMIT_GLOBAL", "600"), dataDir))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseABadCollectorSetting() {
        assertThatThrownBy(() -> EmbeddedPipeline.checkEnvironment(Map.of("ATHENA_BATCH_WINDOW", "fast"), dataDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ATHENA_BATCH_WINDOW").hasMessageContaining("'fast'");
    }

    @Test
    void shouldRefuseABadWorkerSetting() {
        assertThatThrownBy(() -> EmbeddedPipeline.checkEnvironment(Map.of("ATHENA_WORKER_MAX_BATCHES", "many"),
                dataDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ATHENA_WORKER_MAX_BATCHES").hasMessageContaining("'many'");
        assertThatThrownBy(() -> EmbeddedPipeline.checkEnvironment(Map.of("ATHENA_WORKER_ID", "my worker"), dataDir))
                .hasMessageStartingWith("ATHENA_WORKER_ID").hasMessageContaining("'my worker'");
    }

    @Test
    void shouldRefuseABadGatewaySetting() {
        assertThatThrownBy(() -> EmbeddedPipeline.checkEnvironment(Map.of("ATHENA_RATE_LIMIT_GLOBAL", "lots"),
                dataDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ATHENA_RATE_LIMIT_GLOBAL").hasMessageContaining("lots");
    }
}

package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link SplitterMain} whose ops port is taken: it exits with status 1 before it is ready, naming the variable. */
@Tag("integration")
class SplitterOpsIT {
    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shouldNotStartWhenItsOpsPortIsTakenAndSayWhichVariableToChange() throws Exception {
        Path log = Path.of("target", "ops-it", "splitter-" + run + ".log");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                SplitterProcess process = SplitterProcess.launch(endpoints, "ops-" + run, "ops-" + run,
                        "ops-" + run, log, Map.of("ATHENA_SPLITTER_OPS_PORT",
                                Integer.toString(taken.getLocalPort())))) {
            assertThat(process.awaitExit(Duration.ofSeconds(60))).as("exit status").hasValue(1);
            assertThat(Files.readString(log))
                    .contains("cannot serve metrics and health on 127.0.0.1:" + taken.getLocalPort())
                    .contains("set ATHENA_SPLITTER_OPS_PORT to a free port (0 picks one) or to off")
                    .doesNotContain("athena-result-splitter: ready");
        }
    }
}

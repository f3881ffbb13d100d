package dev.athena.collector;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;

/**
 * A JVM that runs a collector until it is killed, for {@link CollectorKillIT}: {@code BOOTSTRAP APPLICATION_ID
 * STATE_DIR}. Prints {@code running} once both of its applications run.
 */
final class CollectorProbe {
    private CollectorProbe() {
    }

    public static void main(String[] args) throws Exception {
        CollectorSettings settings = CollectorSettings.defaults(args[0], Path.of(args[2])).withApplicationId(args[1]);
        BatchCollector.start(settings, new SimpleMeterRegistry());
        System.out.println("running");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}

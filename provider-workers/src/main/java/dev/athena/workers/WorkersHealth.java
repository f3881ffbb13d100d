package dev.athena.workers;

import dev.athena.ops.Health;
import java.util.Map;
import java.util.Optional;

/** A worker instance's {@code /health}: down for good once its batch loop or provider batch poller has died. */
public final class WorkersHealth {
    private WorkersHealth() {
    }

    /** {@code workers} null: not started yet, so not up. */
    public static Health of(ProviderWorkers workers) {
        return workers == null ? Health.down(Map.of("workers", "STARTING")) : ofDeath(workers.death());
    }

    static Health ofDeath(Optional<Throwable> death) {
        return death.map(why -> Health.down(Map.of("workers", "DEAD", "reason", String.valueOf(why.getMessage()))))
                .orElseGet(() -> Health.up(Map.of("workers", "RUNNING")));
    }
}

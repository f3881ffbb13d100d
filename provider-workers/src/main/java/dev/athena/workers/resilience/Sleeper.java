package dev.athena.workers.resilience;

import java.time.Duration;

/** Waiting, as a seam: production sleeps the (virtual) thread; tests advance a clock instead. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = duration -> Thread.sleep(duration);

    void sleep(Duration duration) throws InterruptedException;
}

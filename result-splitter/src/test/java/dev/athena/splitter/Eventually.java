package dev.athena.splitter;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition with a generous deadline: the machine is shared, so no test relies on tight timing. */
final class Eventually {
    private Eventually() {
    }

    static <T> T await(String what, Duration deadline, Supplier<T> probe, java.util.function.Predicate<T> ok) {
        long until = System.nanoTime() + deadline.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (System.nanoTime() < until) {
            try {
                last = probe.get();
                if (ok.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
        throw new AssertionError("timed out after " + deadline + " waiting for " + what + "; last value: " + last,
                lastError);
    }
}

package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LivenessTest {
    private final Liveness liveness = new Liveness();

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void shouldDieWhenALoopStopsOnItsOwnWithTheReasonItRecorded() throws Exception {
        ProducerFencedException fenced = new ProducerFencedException("another instance has our transactional id");
        Thread loop = Thread.ofPlatform().start(liveness.watch("batch loop", () -> { }, () -> fenced));
        loop.join();

        assertThat(liveness.alive()).isFalse();
        assertThat(liveness.awaitEnd()).hasValueSatisfying(death -> {
            assertThat(death).hasMessageContaining("batch loop stopped").hasCause(fenced);
        });
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void shouldDieWhenAnErrorEscapesTheLoop() throws Exception {
        Runnable watched = liveness.watch("provider batch poller", () -> {
            throw new OutOfMemoryError("simulated");
        }, () -> null);

        assertThatThrownBy(watched::run).isInstanceOf(OutOfMemoryError.class);
        assertThat(liveness.alive()).isFalse();
        assertThat(liveness.awaitEnd()).hasValueSatisfying(death ->
                assertThat(death.getCause()).isInstanceOf(OutOfMemoryError.class));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void shouldStayAliveWhenStoppedOnPurposeAndReleaseWhoeverWaits() throws Exception {
        Runnable watched = liveness.watch("batch loop", () -> { }, () -> null);
        liveness.stopping();
        watched.run();

        assertThat(liveness.alive()).isTrue();
        assertThat(liveness.awaitEnd()).isEmpty();
    }

    @Test
    void shouldBeAliveWhileItsLoopsRun() {
        liveness.watch("batch loop", () -> { }, () -> null); // not run yet
        assertThat(liveness.alive()).isTrue();
        assertThat(liveness.death()).isEmpty();
    }
}

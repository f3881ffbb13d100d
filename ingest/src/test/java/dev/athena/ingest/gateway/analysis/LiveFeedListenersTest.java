package dev.athena.ingest.gateway.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Watchers of one request coming and going at once: a watcher that subscribes while the last other one leaves is
 * still heard. Before the listener was added inside the map's atomic step, the leaving one could remove the list
 * the new one had just joined, and that watcher heard nothing more of the request. A race, so the test repeats it
 * many times: three runs on the old code failed at rounds 172, 11,905 and 23,586.
 */
class LiveFeedListenersTest {
    private static final int ROUNDS = 200_000;
    private final LiveFeed feed = new LiveFeed("127.0.0.1:1", Duration.ofSeconds(30)); // never started: no broker

    @AfterEach
    void close() {
        feed.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldKeepAWatcherThatSubscribesWhileTheLastOtherOneLeaves() throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        AtomicBoolean lost = new AtomicBoolean();
        CompletableFuture<Void> leaving = CompletableFuture.runAsync(() -> {
            await(together);
            for (int i = 0; i < ROUNDS && !lost.get(); i++) {
                try (AutoCloseable other = feed.subscribe("team-a", "r-1", new Silent())) {
                    Thread.onSpinWait();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        int rounds = 0;
        await(together);
        for (; rounds < ROUNDS && !lost.get(); rounds++) {
            FeedListener watcher = new Silent();
            try (AutoCloseable subscription = feed.subscribe("team-a", "r-1", watcher)) {
                if (!feed.hears("team-a", "r-1", watcher)) {
                    lost.set(true);
                }
            }
        }
        leaving.get(30, TimeUnit.SECONDS);

        assertThat(lost).as("a watcher was dropped in round %d", rounds).isFalse();
        assertThat(rounds).isEqualTo(ROUNDS);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Silent implements FeedListener {
        @Override
        public void onChunk(AnalysisChunk chunk) {
        }

        @Override
        public void onResult(AnalysisResult result) {
        }
    }
}

package dev.athena.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.Lane;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class CollectorSettingsTest {
    private final CollectorSettings defaults = CollectorSettings.defaults("127.0.0.1:9092", Path.of("state"));

    @Test
    void shouldDefaultToShortInteractiveWindowAndDocumentedCaps() {
        assertThat(defaults.applicationId()).isEqualTo("athena-batch-collector");
        assertThat(defaults.window(Lane.INTERACTIVE)).isEqualTo(Duration.ofMillis(50));
        assertThat(defaults.window(Lane.BULK)).isEqualTo(Duration.ofMillis(100));
        assertThat(defaults.maxItems()).isEqualTo(32);
        assertThat(defaults.maxTokens()).isEqualTo(100_000);
        assertThat(defaults.maxCodeBytes()).isEqualTo(256 * 1024);
        assertThat(defaults.redisUrl()).isNull();
        assertThat(defaults.allowedClients().restricts()).isFalse();
        assertThat(defaults.withRedisUrl("redis://127.0.0.1:6379").allowedClients().restricts()).isFalse();
    }

    @Test
    void shouldEchoTheBadValueWhenInvalid() {
        assertThatThrownBy(() -> defaults.withCaps(0, 10)).hasMessage("maxItems must be >= 1 but was 0");
        assertThatThrownBy(() -> defaults.withWindows(Duration.ZERO, Duration.ofMillis(1)))
                .hasMessage("interactiveWindow must be positive but was PT0S");
        assertThatThrownBy(() -> defaults.withRedisUrl("localhost:6379"))
                .hasMessageContaining("but was 'localhost:6379'");
        assertThatThrownBy(() -> CollectorSettings.defaults(" ", Path.of("s")))
                .hasMessage("bootstrap must not be blank but was ' '");
    }

    @Test
    void shouldRunExactlyOnceWithBrokerDefaultReplicationAndTolerantHandlers() {
        Properties props = BatchCollector.streamsConfig(defaults);
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo("-1");
        assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("50");
        assertThat(props.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG).toString())
                .contains("LogAndContinue");
        assertThat(props.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG).toString())
                .contains("LogAndContinue");
    }

    /**
     * Windows close in a wall-clock punctuation, which Streams runs only between polls: with its default poll.ms
     * (100 ms) a lone request's 50 ms window closed after 100-140 ms on a quiet input.
     */
    @Test
    void shouldWaitInPollNoLongerThanATickSoAQuietWindowClosesOnTime() {
        assertThat(BatchCollector.streamsConfig(defaults).get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo("10");
        CollectorSettings shortWindows = defaults.withWindows(Duration.ofMillis(20), Duration.ofMillis(40));
        assertThat(BatchCollector.streamsConfig(shortWindows).get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo("4");
    }
}

package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.topic.Topics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitterSettingsTest {
    private static SplitterSettings defaults() {
        return SplitterSettings.defaults("127.0.0.1:9092", "redis://127.0.0.1:6379", "jdbc:postgresql://x/y",
                "postgres", "secret-pw");
    }

    @Test
    void shouldDefaultToTheSplitterGroupAndTheDocumentedTtls() {
        SplitterSettings s = defaults();
        assertThat(s.groupId()).isEqualTo("athena-result-splitter");
        assertThat(s.inputTopic()).isEqualTo(Topics.BATCH_RESULTS);
        assertThat(s.l1Ttl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.redisTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(s.transactionalId()).startsWith("athena-result-splitter.");
    }

    @Test
    void shouldKeepThePasswordOutOfToString() {
        assertThat(defaults().toString()).doesNotContain("secret-pw");
    }

    @Test
    void shouldMaskCredentialsCarriedInItsUrls() {
        assertThat(SplitterSettings.masked("jdbc:postgresql://db:5432/athena?user=sp&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/athena?user=***&password=***&ssl=true");
        assertThat(SplitterSettings.masked("redis://:p@ss@cache:6379")).isEqualTo("redis://***@cache:6379");
        assertThat(SplitterSettings.masked("jdbc:postgresql://db/athena")).isEqualTo("jdbc:postgresql://db/athena");
    }

    @Test
    void shouldEchoTheBadValueWhenInvalid() {
        assertThatThrownBy(() -> defaults().withCacheTtls(Duration.ZERO, Duration.ofHours(1)))
                .hasMessageContaining("l1Ttl").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> defaults().withGroupId(" ")).hasMessageContaining("groupId");
    }

    @Test
    void shouldUseThePerTypeRedisTtlWhenConfigured() {
        SplitterSettings s = defaults();
        SplitterSettings typed = new SplitterSettings(s.bootstrap(), s.redisUrl(), s.jdbcUrl(), s.dbUser(),
                s.dbPassword(), s.groupId(), s.instanceId(), s.inputTopic(), s.l1Ttl(), s.l1MaxEntries(),
                s.redisTtl(), Map.of(AnalysisType.EXPLAIN, Duration.ofHours(2)), s.storeBatchSize(),
                s.startTimeout());
        assertThat(typed.redisTtlFor(AnalysisType.EXPLAIN)).isEqualTo(Duration.ofHours(2));
        assertThat(typed.redisTtlFor(AnalysisType.SECURITY)).isEqualTo(Duration.ofHours(24));
    }
}

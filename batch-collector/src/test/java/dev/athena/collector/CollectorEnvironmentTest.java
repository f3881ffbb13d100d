package dev.athena.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.collector.quota.ClientQuotas;
import dev.athena.schemas.message.Lane;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CollectorEnvironmentTest {
    private final CollectorSettings defaults = CollectorSettings.defaults("127.0.0.1:9092", Path.of("state"))
            .withRedisUrl("redis://127.0.0.1:6379");

    @Test
    void shouldKeepEveryDefaultWhenNothingOrOnlyBlanksAreSet() {
        assertThat(CollectorEnvironment.apply(defaults, Map.of())).isEqualTo(defaults);
        assertThat(CollectorEnvironment.apply(defaults, Map.of(CollectorEnvironment.WINDOW, " ",
                CollectorEnvironment.QUOTAS, "", CollectorEnvironment.MAX_ITEMS, ""))).isEqualTo(defaults);
    }

    @Test
    void shouldReadWindowsCapsLimitAndCommitInterval() {
        CollectorSettings settings = CollectorEnvironment.apply(defaults, Map.of(
                CollectorEnvironment.WINDOW, "250ms",
                CollectorEnvironment.INTERACTIVE_WINDOW, "20",
                CollectorEnvironment.MAX_ITEMS, "8",
                CollectorEnvironment.MAX_TOKENS, "40000",
                CollectorEnvironment.MAX_CODE_BYTES, "64KiB",
                CollectorEnvironment.COMMIT_INTERVAL, "1s"));

        assertThat(settings.window(Lane.BULK)).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.window(Lane.INTERACTIVE)).isEqualTo(Duration.ofMillis(20));
        assertThat(settings.maxItems()).isEqualTo(8);
        assertThat(settings.maxTokens()).isEqualTo(40_000);
        assertThat(settings.maxCodeBytes()).isEqualTo(64 * 1024);
        assertThat(settings.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.redisUrl()).as("not an environment setting of this class").isEqualTo(defaults.redisUrl());
        assertThat(settings.bootstrap()).isEqualTo(defaults.bootstrap());
    }

    @Test
    void shouldGiveInteractiveHalfOfAConfiguredWindowUnlessSetItself() {
        CollectorSettings settings = CollectorEnvironment.apply(defaults, Map.of(CollectorEnvironment.WINDOW, "2s"));

        assertThat(settings.window(Lane.BULK)).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.window(Lane.INTERACTIVE)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void shouldReadQuotasWithAnEveryoneElseRateAndBurst() {
        CollectorSettings settings = CollectorEnvironment.apply(defaults, Map.of(
                CollectorEnvironment.QUOTAS, " team-a=100, ci-bot=2.5 ,*=20,",
                CollectorEnvironment.QUOTA_BURST, "5"));

        ClientQuotas quotas = settings.quotas();
        assertThat(quotas.rateFor("team-a")).isEqualTo(100);
        assertThat(quotas.rateFor("ci-bot")).isEqualTo(2.5);
        assertThat(quotas.rateFor("someone-else")).isEqualTo(20);
        assertThat(quotas.burst()).isEqualTo(5);
    }

    @Test
    void shouldLetABurstOfAFullBatchGoByDefaultAndNoOneBeLimitedWithoutAStar() {
        ClientQuotas quotas = CollectorEnvironment.apply(defaults, Map.of(CollectorEnvironment.QUOTAS, "team-a=10",
                CollectorEnvironment.MAX_ITEMS, "12")).quotas();

        assertThat(quotas.burst()).isEqualTo(12);
        assertThat(quotas.rateFor("team-b")).isZero();
        assertThat(quotas.limitsAnyone()).isTrue();
    }

    @Test
    void shouldGiveTheBulkIntakeRatesOfItsOwnOrElseTheSameOnes() {
        CollectorSettings same = CollectorEnvironment.apply(defaults, Map.of(CollectorEnvironment.QUOTAS, "*=20"));
        assertThat(same.bulkQuotas()).isNull();
        assertThat(same.forIntake(Intake.BULK).quotas().rateFor("team-a")).isEqualTo(20);

        CollectorSettings own = CollectorEnvironment.apply(defaults, Map.of(CollectorEnvironment.QUOTAS, "*=20",
                CollectorEnvironment.BULK_QUOTAS, "team-a=2,*=5", CollectorEnvironment.QUOTA_BURST, "3"));
        assertThat(own.forIntake(Intake.MAIN).quotas().rateFor("team-a")).isEqualTo(20);
        assertThat(own.forIntake(Intake.BULK).quotas().rateFor("team-a")).isEqualTo(2);
        assertThat(own.forIntake(Intake.BULK).quotas().rateFor("team-b")).isEqualTo(5);
        assertThat(own.forIntake(Intake.BULK).quotas().burst()).isEqualTo(3);
        assertThat(own.forIntake(Intake.BULK).window(Lane.BULK)).isEqualTo(own.window(Lane.BULK));
    }

    @Test
    void shouldReadTheAllowlist() {
        CollectorSettings settings = CollectorEnvironment.apply(defaults,
                Map.of("ATHENA_ALLOWED_CLIENTS", "team-a, ci-*"));

        assertThat(settings.allowedClients().allows("ci-7")).isTrue();
        assertThat(settings.allowedClients().allows("team-b")).isFalse();
    }

    @Test
    void shouldServeOpsOnLoopbackByDefaultAndWhereverItIsToldOrNowhere() {
        assertThat(CollectorEnvironment.OPS.from(Map.of()))
                .hasValue(new InetSocketAddress("127.0.0.1", CollectorEnvironment.DEFAULT_OPS_PORT));
        assertThat(CollectorEnvironment.OPS.from(Map.of(CollectorEnvironment.OPS_HOST, "0.0.0.0",
                CollectorEnvironment.OPS_PORT, " 9500 "))).hasValue(new InetSocketAddress("0.0.0.0", 9500));
        assertThat(CollectorEnvironment.OPS.from(Map.of(CollectorEnvironment.OPS_PORT, "0")))
                .hasValue(new InetSocketAddress("127.0.0.1", 0));
        assertThat(CollectorEnvironment.OPS.from(Map.of(CollectorEnvironment.OPS_PORT, "off"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ATHENA_BATCH_WINDOW|fast|a duration of 1 ms to 60 s, such as 100ms or 2s, but was 'fast'",
        "ATHENA_BATCH_WINDOW|0ms|a duration of 1 ms to 60 s",
        "ATHENA_BATCH_WINDOW|61s|a duration of 1 ms to 60 s",
        "ATHENA_BATCH_WINDOW|-5|a duration of 1 ms to 60 s",
        "ATHENA_BATCH_WINDOW_INTERACTIVE|1.5s|a duration of 1 ms to 60 s",
        "ATHENA_COLLECTOR_COMMIT_INTERVAL|PT1S|a duration of 1 ms to 5 s",
        "ATHENA_COLLECTOR_COMMIT_INTERVAL|6s|a duration of 1 ms to 5 s",
        "ATHENA_BATCH_MAX_ITEMS|0|a whole number from 1 to 10000",
        "ATHENA_BATCH_MAX_ITEMS|ten|a whole number from 1 to 10000 but was 'ten'",
        "ATHENA_BATCH_MAX_TOKENS|2000000|a whole number from 1 to 1000000",
        "ATHENA_MAX_CODE_BYTES|2MiB|but was '2MiB'",
        "ATHENA_MAX_CODE_BYTES|256kb|a size of 1 byte to 1 MiB",
        "ATHENA_MAX_CODE_BYTES|0|a size of 1 byte to 1 MiB",
        "ATHENA_CLIENT_QUOTAS|team-a:100|but one was 'team-a:100'",
        "ATHENA_CLIENT_QUOTAS|team-a=-1|entries must be client=itemsPerSecond",
        "ATHENA_CLIENT_QUOTAS|team.a=5|not a client id",
        "ATHENA_CLIENT_QUOTAS|team-a=5,team-a=6|two rates",
        "ATHENA_CLIENT_QUOTA_BURST|0|a whole number from 1 to 1000000",
        "ATHENA_CLIENT_QUOTAS_BULK|ci=fast|but one was 'ci=fast'",
        "ATHENA_ALLOWED_CLIENTS|team a|allowed client must be a client id or 'prefix*' but was 'team a'",
    })
    void shouldRefuseABadValueNamingTheVariableAndTheValue(String variable, String value, String expected) {
        assertThatThrownBy(() -> CollectorEnvironment.apply(defaults, Map.of(variable, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(variable)
                .hasMessageContaining(expected);
    }
}

package dev.athena.ingest.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.ingest.gateway.InvalidInput;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyLifetimeTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void shouldReadAnExpiryAsAnInstantOrFromNowAndNoneAsNeverExpiring() {
        assertThat(KeyLifetime.expiry(NOW, "2027-03-01T00:00:00Z", null)).isEqualTo("2027-03-01T00:00:00Z");
        assertThat(KeyLifetime.expiry(NOW, null, "90d")).isEqualTo(NOW.plus(Duration.ofDays(90)));
        assertThat(KeyLifetime.expiry(NOW, null, "PT2H")).isEqualTo(NOW.plus(Duration.ofHours(2)));
        assertThat(KeyLifetime.expiry(NOW, null, "1m")).isEqualTo(NOW.plusSeconds(60));
        assertThat(KeyLifetime.expiry(NOW, null, null)).isNull();
    }

    @Test
    void shouldNameTheFieldOfAnExpiryThatIsNotOne() {
        assertInvalid(() -> KeyLifetime.expiry(NOW, "2027-03-01T00:00:00Z", "90d"), "expiresAt", "not both");
        assertInvalid(() -> KeyLifetime.expiry(NOW, "next tuesday", null), "expiresAt", "'next tuesday'");
        assertInvalid(() -> KeyLifetime.expiry(NOW, "2026-12-01T00:00:00Z", null), "expiresAt",
                "between a minute and 3650 days");
        assertInvalid(() -> KeyLifetime.expiry(NOW, "2026-12-02T12:00:30Z", null), "expiresAt", "a minute");
        assertInvalid(() -> KeyLifetime.expiry(NOW, "2040-01-01T00:00:00Z", null), "expiresAt", "3650 days");
        assertInvalid(() -> KeyLifetime.expiry(NOW, null, "30s"), "expiresIn", "between 1m and 3650d");
        assertInvalid(() -> KeyLifetime.expiry(NOW, null, "3651d"), "expiresIn", "'3651d'");
        assertInvalid(() -> KeyLifetime.expiry(NOW, null, "99999999999999999d"), "expiresIn", "a duration");
        assertInvalid(() -> KeyLifetime.expiry(NOW, null, "-5d"), "expiresIn", "between 1m and 3650d");
        assertInvalid(() -> KeyLifetime.expiry(NOW, null, "soon"), "expiresIn", "a duration like 90d");
    }

    @Test
    void shouldGiveRotationsADayOfGraceUnlessToldOtherwiseAndAtMostThirtyDays() {
        assertThat(KeyLifetime.grace(null)).isEqualTo(Duration.ofHours(24));
        assertThat(KeyLifetime.grace("0s")).isZero();
        assertThat(KeyLifetime.grace("30d")).isEqualTo(Duration.ofDays(30));
        assertInvalid(() -> KeyLifetime.grace("31d"), "grace", "between 0s and 30d");
        assertInvalid(() -> KeyLifetime.grace("-1h"), "grace", "between 0s and 30d");
        assertInvalid(() -> KeyLifetime.grace("a while"), "grace", "a duration like");
    }

    private static void assertInvalid(Runnable call, String field, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidInput.class, e -> {
            assertThat(e.name()).isEqualTo(field);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}

package dev.athena.schemas.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AdmissionRulesTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void shouldRefuseADeadlineAtOrBeforeNowAndAcceptOneAfter() {
        assertThat(AdmissionRules.check(request(null, null, NOW.minusMillis(1)), NOW)).hasValueSatisfying(r -> {
            assertThat(r.reason()).isEqualTo(RejectionReason.DEADLINE_PASSED);
            assertThat(r.field()).isEqualTo("deadline");
            assertThat(r.message()).isEqualTo("field 'deadline' (2026-12-03T11:59:59.999Z) had already passed at "
                    + "admission (2026-12-03T12:00:00Z)");
            assertThat(r.clientKnown()).isTrue();
        });
        assertThat(AdmissionRules.check(request(null, null, NOW), NOW)).isPresent();
        assertThat(AdmissionRules.check(request(null, null, NOW.plusMillis(1)), NOW)).isEmpty();
        assertThat(AdmissionRules.check(request(null, null, null), NOW)).isEmpty();
    }

    @Test
    void shouldRefuseASlashInProviderOrModelBeforeLookingAtTheDeadline() {
        for (AnalysisRequest slashed : new AnalysisRequest[] {request("open/ai", null, NOW.minusSeconds(1)),
                request("openai", "gpt/5", null)}) {
            assertThat(AdmissionRules.check(slashed, NOW)).hasValueSatisfying(r -> {
                assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_FIELD);
                assertThat(r.field()).isEqualTo("provider");
                assertThat(r.message()).isEqualTo("fields 'provider' and 'model' must not contain '/'");
            });
        }
        assertThat(AdmissionRules.check(request("openai", "gpt-5.1", null), NOW)).isEmpty();
    }

    @Test
    void shouldRefuseAProviderNoWorkerServesNamingTheOnesItMayBe() {
        for (String unknown : new String[] {"antropic", "Anthropic", "claude", " openai"}) {
            assertThat(AdmissionRules.check(request(unknown, null, NOW.plusSeconds(60)), NOW)).as(unknown)
                    .hasValueSatisfying(r -> {
                        assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_FIELD);
                        assertThat(r.field()).isEqualTo("provider");
                        assertThat(r.message()).isEqualTo("field 'provider' ('" + unknown + "') must be one of "
                                + "anthropic, openai, deepseek, local, builtin, or 'auto' (or left out) to let the "
                                + "pipeline choose");
                    });
        }
        for (String known : new String[] {"anthropic", "openai", "deepseek", "local", "builtin", "auto", "", "  "}) {
            assertThat(AdmissionRules.check(request(known, "m", null), NOW)).as(known).isEmpty();
        }
        assertThat(AdmissionRules.check(request(null, null, null), NOW)).isEmpty();
        // the deadline is looked at only once the provider is known
        assertThat(AdmissionRules.check(request("nope", null, NOW.minusSeconds(1)), NOW).orElseThrow().reason())
                .isEqualTo(RejectionReason.INVALID_FIELD);
    }

    private static AnalysisRequest request(String provider, String model, Instant deadline) {
        return new AnalysisRequest(1, "r-1", "team-a", AnalysisType.SECURITY, null, null, "x", provider, model, null,
                null, deadline, null, NOW.minusSeconds(5), null);
    }
}

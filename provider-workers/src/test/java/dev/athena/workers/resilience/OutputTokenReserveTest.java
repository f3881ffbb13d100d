package dev.athena.workers.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.vendor.Pricing;
import dev.athena.workers.provider.vendor.Prompt;
import dev.athena.workers.provider.vendor.VendorSettings;
import dev.athena.workers.provider.vendor.openai.OpenAiCompatibleProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What a call charges to the tokens-per-minute budget before it is made. */
class OutputTokenReserveTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);

    @Test
    void shouldReserveTheCompletionOpenAiCountsButNotForOtherCompatibleServers() {
        VendorSettings openai = VendorSettings.of("openai", "http://127.0.0.1:1/v1", "k", "gpt-4o-mini",
                Pricing.FREE);
        VendorSettings deepseek = VendorSettings.of("deepseek", "http://127.0.0.1:1/v1", "k", "deepseek-chat",
                Pricing.FREE);

        assertThat(new OpenAiCompatibleProvider(openai, clock).reservedOutputTokens())
                .isEqualTo(openai.maxOutputTokens()).isPositive();
        assertThat(new OpenAiCompatibleProvider(deepseek, clock).reservedOutputTokens()).isZero();
    }

    @Test
    void shouldChargeThePromptAndTheReservedCompletionToTheLimiter() {
        List<Long> charged = new ArrayList<>();
        RateLimit recording = new RateLimit() {
            @Override
            public void acquire(long tokens, Duration maxWait) {
                charged.add(tokens);
            }

            @Override
            public void pause(Duration duration) {
            }
        };
        Provider provider = new Provider() {
            @Override
            public String name() {
                return "openai";
            }

            @Override
            public String defaultModel() {
                return "m";
            }

            @Override
            public long reservedOutputTokens() {
                return 2_048;
            }

            @Override
            public ProviderAnswer analyse(ProviderCall call) {
                return new ProviderAnswer(List.of(), "ok", "m", null);
            }
        };
        ResilientProvider guarded = new ResilientProvider(provider, ProviderPolicy.of(10, 100_000, 4), recording,
                clock, clock.sleeper, new SplittableRandom(1), new WorkerMetrics(new SimpleMeterRegistry()));
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "r1", "c1", AnalysisType.SECURITY,
                "python", "a.py", "print(1)\n", null, null, Lane.INTERACTIVE, Map.of(), null, false, null, null);

        guarded.analyse(new ProviderCall(request, "m", T0.plusSeconds(30), null));

        assertThat(charged).containsExactly(Prompt.estimateTokens(request) + 2_048);
    }
}

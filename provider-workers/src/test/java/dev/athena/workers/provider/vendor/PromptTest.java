package dev.athena.workers.provider.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.vendor.openai.OpenAiCompatibleProvider;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class PromptTest {
    @Test
    void shouldSendByteIdenticalPrefixForDifferentRequestsSoProviderCachesHit() {
        try (FakeProviderServer server = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI)) {
            OpenAiCompatibleProvider p = new OpenAiCompatibleProvider(VendorSettings.of("openai", server.baseUrl(), "k",
                    "gpt-4o-mini", Pricing.FREE), InstantSource.system());
            p.analyse(new ProviderCall(AnalysisRequest.of("r1", "c", AnalysisType.SECURITY, "a = 1\n"), "gpt-4o-mini",
                    Instant.now().plusSeconds(10), null));
            p.analyse(new ProviderCall(AnalysisRequest.of("r2", "c", AnalysisType.QUALITY, "def f():\n    pass\n"),
                    "gpt-4o-mini", Instant.now().plusSeconds(10), null));
            String first = server.requests().get(0).body();
            String second = server.requests().get(1).body();
            int prefix = first.indexOf("Analysis type:");
            assertThat(prefix).isGreaterThan(Prompt.INSTRUCTIONS.length());
            assertThat(second.substring(0, prefix)).isEqualTo(first.substring(0, prefix));
        }
    }

    @Test
    void shouldNumberLinesInTheUserMessage() {
        AnalysisRequest request = new AnalysisRequest(1, "r", "c", AnalysisType.SECURITY, "Python", "a.py",
                "x = 1\ny = 2\n", null, null, null, null, null, null, null, null);
        assertThat(Prompt.userMessage(request)).isEqualTo("Analysis type: security\nLanguage: python\nPath: a.py\n"
                + "Code (each line prefixed with its number and a tab):\n1\tx = 1\n2\ty = 2\n");
    }
}

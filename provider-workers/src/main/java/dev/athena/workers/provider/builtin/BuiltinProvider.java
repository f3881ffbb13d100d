package dev.athena.workers.provider.builtin;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.ProviderNames;
import dev.athena.schemas.message.Usage;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;

/**
 * The offline provider: no key, no network, always available, last in every failover chain. Its one model is
 * {@value #MODEL}; it costs nothing and reports no tokens.
 */
public final class BuiltinProvider implements Provider {
    public static final String NAME = ProviderNames.BUILTIN;
    public static final String MODEL = "rules-1";

    private final RuleAnalyser analyser = new RuleAnalyser();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultModel() {
        return MODEL;
    }

    @Override
    public ProviderAnswer analyse(ProviderCall call) {
        AnalysisRequest request = call.request();
        RuleAnalyser.Report report = analyser.analyse(request.analysisType(), request.language(), request.path(),
                request.code());
        return new ProviderAnswer(report.findings(), report.summary(), MODEL, Usage.NONE);
    }
}

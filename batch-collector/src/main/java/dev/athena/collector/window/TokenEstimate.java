package dev.athena.collector.window;

import dev.athena.schemas.message.AnalysisRequest;

/**
 * A cheap guess of the input tokens a request costs: about four characters a token for code, plus a fixed
 * allowance for the prompt around it. Good enough to keep a batch inside a provider's context; workers count
 * the real tokens.
 */
public final class TokenEstimate {
    public static final long PROMPT_OVERHEAD = 200;

    private TokenEstimate() {
    }

    public static long of(AnalysisRequest request) {
        return request.code().length() / 4 + PROMPT_OVERHEAD;
    }
}

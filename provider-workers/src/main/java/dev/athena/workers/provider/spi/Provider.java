package dev.athena.workers.provider.spi;

/**
 * One AI provider (or the offline analyser) behind a single call.
 *
 * <p><b>Threading.</b> {@link #analyse} is blocking and is called concurrently from many virtual threads;
 * implementations are thread-safe and keep no per-call state in fields. They never start platform threads of
 * their own for a call. Concurrency limits, rate limits, breakers and retries are applied around the provider,
 * not inside it: one {@code analyse} call is one attempt.
 *
 * <p><b>Errors.</b> A call either returns an {@link ProviderAnswer} or throws a {@link ProviderException}:
 * {@link RetriableProviderException} when the same call may succeed later (timeouts, 429, 5xx, 529, resets;
 * it may carry the provider's {@code retryAfter}), {@link FatalProviderException} when repeating it cannot help
 * (invalid input, authentication, an answer that breaks the contract, an exhausted quota). Any other runtime
 * exception is a bug and is treated as fatal. Implementations honour {@link ProviderCall#deadline()} and
 * interruption, and never put secrets or code into exception messages.
 */
public interface Provider {
    /** The provider's name on the wire: {@code anthropic}, {@code openai}, {@code deepseek}, {@code local}, {@code builtin}. */
    String name();

    /** The model used when a request says {@code auto} or names no model. */
    String defaultModel();

    /**
     * Tokens a call holds against the provider's tokens-per-minute limit beyond its prompt. OpenAI counts the
     * completion tokens a request allows ({@code max_completion_tokens}) the moment it arrives, so a limiter
     * charging the prompt alone would send several times the rate OpenAI accepts and meet 429s as a rule.
     */
    default long reservedOutputTokens() {
        return 0;
    }

    /** One attempt at answering one request with one model. */
    ProviderAnswer analyse(ProviderCall call) throws ProviderException;
}

package dev.athena.workers.provider.spi;

/**
 * A failed attempt, typed by what the caller should do next: retry ({@link RetriableProviderException}) or
 * not ({@link FatalProviderException}). {@code code} is a stable machine code that ends up in
 * {@code ErrorInfo.code} when the item fails. Stack traces are not captured: these are expected outcomes of
 * remote calls, used for control flow, and logged without them.
 */
public abstract sealed class ProviderException extends RuntimeException
        permits RetriableProviderException, FatalProviderException {
    private final String provider;
    private final String code;

    protected ProviderException(String provider, String code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.provider = provider;
        this.code = code;
    }

    public String provider() {
        return provider;
    }

    public String code() {
        return code;
    }
}

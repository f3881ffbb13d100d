package dev.athena.schemas.validation;

/** Admission limits. {@code maxCodeBytes} counts the UTF-8 bytes of {@code code}; the default is 256 KiB. */
public record RequestLimits(int maxCodeBytes) {
    public static final int DEFAULT_MAX_CODE_BYTES = 256 * 1024;

    public RequestLimits {
        if (maxCodeBytes < 1) {
            throw new IllegalArgumentException("maxCodeBytes must be >= 1 but was " + maxCodeBytes);
        }
    }

    public static RequestLimits ofDefaults() {
        return new RequestLimits(DEFAULT_MAX_CODE_BYTES);
    }
}

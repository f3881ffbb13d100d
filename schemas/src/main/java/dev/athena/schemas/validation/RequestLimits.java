package dev.athena.schemas.validation;

/**
 * Admission limits. {@code maxCodeBytes} counts the UTF-8 bytes of {@code code} (default 256 KiB);
 * {@code maxRequestBytes} the bytes of the whole record value, by default six times the code limit (the most
 * that code within it can take as JSON escapes) plus {@link #ROOM_FOR_OTHER_FIELDS}. The record limit keeps
 * what the pipeline writes because of one request (a pending item, a batch, a result carrying its path) within
 * the topics' record size, whatever fields the contract does not know a producer adds.
 */
public record RequestLimits(int maxCodeBytes, int maxRequestBytes) {
    public static final int DEFAULT_MAX_CODE_BYTES = 256 * 1024;
    /** Beside the code: ids, path, options and whatever else a producer sends. */
    public static final int ROOM_FOR_OTHER_FIELDS = 64 * 1024;
    /** Characters a {@code provider} or {@code model} may have: both become part of route keys and topic names. */
    public static final int MAX_PROVIDER_OR_MODEL_LENGTH = 128;

    public RequestLimits {
        if (maxCodeBytes < 1) {
            throw new IllegalArgumentException("maxCodeBytes must be >= 1 but was " + maxCodeBytes);
        }
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes must be >= 1 but was " + maxRequestBytes);
        }
    }

    /** The record limit that follows from the code limit. */
    public RequestLimits(int maxCodeBytes) {
        this(maxCodeBytes, (int) Math.min(Integer.MAX_VALUE, 6L * maxCodeBytes + ROOM_FOR_OTHER_FIELDS));
    }

    public static RequestLimits ofDefaults() {
        return new RequestLimits(DEFAULT_MAX_CODE_BYTES);
    }
}

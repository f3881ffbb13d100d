package dev.athena.schemas.topic;

/**
 * The headers a record on {@link Topics#REQUESTS_DLQ} carries beside its original key, value and headers: why it
 * is there and where it came from. Every service that turns a record away writes them.
 */
public final class DeadLetterHeaders {
    /** A {@code RejectionReason} name, e.g. {@code INVALID_JSON}. */
    public static final String ERROR_CODE = "athena-error-code";
    /** What was wrong, naming the field. */
    public static final String ERROR_MESSAGE = "athena-error-message";
    public static final String SOURCE_TOPIC = "athena-source-topic";
    public static final String SOURCE_PARTITION = "athena-source-partition";
    public static final String SOURCE_OFFSET = "athena-source-offset";
    /** Present only on a dead letter that was cut to fit: {@code key=<bytes>,value=<bytes>,headers=<bytes>}. */
    public static final String TRUNCATED = "athena-truncated";

    private DeadLetterHeaders() {
    }
}

package dev.athena.schemas.topic;

import dev.athena.schemas.message.Lane;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The topic catalogue: every topic of the pipeline, declared once. Per-client result topics are created on
 * demand from {@link #resultsFor(String)}.
 */
public final class Topics {
    public static final String REQUESTS = "athena.requests";
    /**
     * Requests of bulk repository scans. The collector reads it with a Streams application of its own, beside the
     * one of {@link #REQUESTS}, so a scan's backlog is never read ahead of an interactive request.
     */
    public static final String REQUESTS_BULK = "athena.requests.bulk";
    public static final String REQUESTS_DLQ = "athena.requests.dlq";
    public static final String BATCHES = "athena.batches";
    public static final String BATCH_RESULTS = "athena.batch-results";
    public static final String CHUNKS = "athena.chunks";
    /**
     * Clients' cancellations of their requests ({@code AnalysisCancellation}, key = requestId), for Kafka clients
     * that do not go through the gateway; kept a day, as long as a cancellation is remembered.
     */
    public static final String CANCELLATIONS = "athena.cancellations";
    public static final String RESULTS_PREFIX = "athena.results.";

    /**
     * Client ids become topic names, so they use Kafka's legal characters, but neither dot nor underscore. A dot
     * would let client {@code a}'s reply topic {@code athena.results.a.b} be client {@code a.b}'s own; and Kafka
     * refuses a topic whose name differs from an existing one only by {@code .} against {@code _}, so with
     * underscores client {@code a}'s reply topic {@code athena.results.a.b} would keep client {@code a_b}'s own
     * topic from ever being created.
     */
    public static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");

    private static final String WEEK_MS = String.valueOf(7L * 24 * 3600 * 1000);
    private static final String TWO_WEEKS_MS = String.valueOf(14L * 24 * 3600 * 1000);
    private static final String HOUR_MS = String.valueOf(3600L * 1000);
    private static final String DAY_MS = String.valueOf(24L * 3600 * 1000);
    /**
     * The largest record the pipeline's topics take ({@code max.message.bytes}); whatever one service writes
     * because of one request must fit it.
     */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;
    /** Kafka's limit on a topic name's length. */
    public static final int MAX_NAME_LENGTH = 249;
    private static final String MAX_MESSAGE = String.valueOf(MAX_RECORD_BYTES);

    private Topics() {
    }

    /** The fixed topics, created idempotently at start-up. */
    public static List<TopicSpec> pipeline() {
        return List.of(
                new TopicSpec(REQUESTS, 6, Map.of("retention.ms", WEEK_MS, "max.message.bytes", MAX_MESSAGE)),
                new TopicSpec(REQUESTS_BULK, 6, Map.of("retention.ms", WEEK_MS, "max.message.bytes", MAX_MESSAGE)),
                new TopicSpec(REQUESTS_DLQ, 1, Map.of("retention.ms", TWO_WEEKS_MS, "max.message.bytes", MAX_MESSAGE)),
                new TopicSpec(BATCHES, 6, Map.of("retention.ms", WEEK_MS, "max.message.bytes", MAX_MESSAGE)),
                new TopicSpec(BATCH_RESULTS, 6, Map.of("retention.ms", WEEK_MS, "max.message.bytes", MAX_MESSAGE)),
                new TopicSpec(CHUNKS, 6, Map.of("retention.ms", HOUR_MS)),
                new TopicSpec(CANCELLATIONS, 3, Map.of("retention.ms", DAY_MS)));
    }

    /**
     * Where a producer should send a request of this lane: bulk requests to {@link #REQUESTS_BULK}, so a large
     * submission never sits in front of interactive requests; every other (or no) lane to {@link #REQUESTS}.
     */
    public static String intakeFor(Lane lane) {
        return lane == Lane.BULK ? REQUESTS_BULK : REQUESTS;
    }

    public static String resultsTopicName(String clientId) {
        if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
            throw new IllegalArgumentException("clientId must match " + CLIENT_ID.pattern() + " but was '"
                    + clientId + "'");
        }
        return RESULTS_PREFIX + clientId;
    }

    /**
     * The reply topic of one repository scan of {@code clientId}'s: {@code athena.results.<clientId>.scan-<scanId>},
     * made for the scan and deleted once every file is answered, read only by the scan that made it.
     */
    public static String scanReplyTopic(String clientId, String scanId) {
        return resultsTopicName(clientId) + SCAN_REPLY_INFIX + scanId;
    }

    /** What follows the client id in the name of every scan's reply topic ({@link #scanReplyTopic}). */
    public static final String SCAN_REPLY_INFIX = ".scan-";

    public static TopicSpec resultsFor(String clientId) {
        return new TopicSpec(resultsTopicName(clientId), 3, Map.of("retention.ms", WEEK_MS,
                "max.message.bytes", MAX_MESSAGE));
    }
}

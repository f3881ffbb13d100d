package dev.athena.splitter.delivery;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ResultStatus;
import java.util.Comparator;
import java.util.List;

/**
 * Makes a client's result fit the records its topic takes. A record over the topic's {@code max.message.bytes}
 * fails the transaction on every retry and stalls every client of the input partition, and a result left out
 * leaves its requester without an answer on Kafka. So a result too large for its topic is sent cut: the same
 * status, the most severe findings that fit, and an error {@link ErrorInfo#RESULT_TRUNCATED} that says how many
 * were left out and where the whole result is (the gateway serves it from PostgreSQL, where it is kept whole).
 */
final class ResultFit {
    /** What a cut result keeps of a summary or an error message: enough to read, small beside any topic. */
    static final int MAX_TEXT = 1024;
    private static final Comparator<Finding> MOST_SEVERE_FIRST = Comparator.comparing(Finding::severity);

    /** The value to send; {@code findingsKept} is how many of the result's findings it holds. */
    record Fitted(byte[] value, boolean cut, int findingsKept) {
    }

    private ResultFit() {
    }

    /**
     * @param whole the result as JSON, as already written
     * @return {@code whole} when it fits {@code maxBytes}, else the result cut to fit; null when not even a result
     *     without findings fits
     */
    static Fitted fit(AnalysisResult result, byte[] whole, int maxBytes, String topic) {
        if (whole.length <= maxBytes) {
            return new Fitted(whole, false, result.findings().size());
        }
        List<Finding> bySeverity = result.findings().stream().sorted(MOST_SEVERE_FIRST).toList();
        // the size grows with the findings kept: find the most that fit by halving
        int low = 0;
        int high = bySeverity.size();
        byte[] best = null;
        while (low <= high) {
            int kept = (low + high) >>> 1;
            byte[] value = Json.write(cut(result, bySeverity, kept, whole.length, maxBytes, topic));
            if (value.length <= maxBytes) {
                best = value;
                low = kept + 1;
            } else {
                high = kept - 1;
            }
        }
        return best == null ? null : new Fitted(best, true, high);
    }

    private static AnalysisResult cut(AnalysisResult result, List<Finding> bySeverity, int kept, int wholeBytes,
            int maxBytes, String topic) {
        ErrorInfo error = result.error();
        if (error == null || result.status() == ResultStatus.COMPLETED) {
            String what = bySeverity.isEmpty() ? "its summary is cut to " + MAX_TEXT + " characters"
                    : "it holds the " + kept + " most severe of its " + bySeverity.size() + " findings";
            error = new ErrorInfo(ErrorInfo.RESULT_TRUNCATED, "this result takes " + wholeBytes + " bytes, more than "
                    + "the " + maxBytes + " a record of topic " + topic + " may take: " + what + "; the whole result: "
                    + "GET /v1/analyses/" + result.requestId() + " on the gateway");
        } else {
            error = new ErrorInfo(error.code(), abbreviate(error.message()));
        }
        return new AnalysisResult(result.schemaVersion(), result.requestId(), result.clientId(), result.status(),
                bySeverity.subList(0, kept), abbreviate(result.summary()), result.servedBy(), result.cached(),
                result.batchId(), result.usage(), error, result.completedAt());
    }

    private static String abbreviate(String text) {
        if (text == null || text.length() <= MAX_TEXT) {
            return text;
        }
        int end = MAX_TEXT - 3;
        // never half a surrogate pair: the writer would have to replace it
        return text.substring(0, Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end) + "...";
    }
}

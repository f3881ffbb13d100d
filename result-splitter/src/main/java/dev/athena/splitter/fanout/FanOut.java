package dev.athena.splitter.fanout;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.Usage;
import dev.athena.splitter.fanout.SplitBatch.Problem;
import dev.athena.splitter.fanout.SplitBatch.Problem.Kind;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Turns the bytes of one BatchResult into one {@link AnalysisResult} per requester. Pure: the same bytes give the
 * same results (completedAt comes from the batch), which is what lets a replay after a crash, and the persistence
 * path that reads the same records, agree with what was delivered.
 *
 * <p>Decoding is per item: one malformed item does not cost the other items their results, and when the
 * requesters of a malformed item can still be read each of them gets a FAILED result instead of silence.
 */
public final class FanOut {
    public static final String INVALID_ITEM = "INVALID_BATCH_ITEM";

    private FanOut() {
    }

    public static SplitBatch split(byte[] value, Instant now) {
        if (value == null || value.length == 0) {
            return SplitBatch.poison("empty record");
        }
        JsonNode root;
        try {
            root = Json.tree(value);
        } catch (JsonContractException e) {
            return SplitBatch.poison(e.getMessage());
        }
        if (root == null || !root.isObject() || !root.path("batchId").isString() || !root.path("items").isArray()) {
            return SplitBatch.poison("not a BatchResult: needs a string batchId and an items array");
        }
        String batchId = root.get("batchId").stringValue();
        Instant completedAt = instant(root.path("completedAt"), now);
        List<Delivery> deliveries = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        int index = 0;
        for (JsonNode node : root.get("items")) {
            ItemResult item;
            try {
                item = Json.mapper().treeToValue(node, ItemResult.class);
            } catch (RuntimeException e) {
                problems.add(new Problem(Kind.ITEM, "batch " + batchId + " item " + index + ": " + e.getMessage()));
                deliveries.addAll(failedForUnreadable(node, batchId, completedAt, problems));
                index++;
                continue;
            }
            items.add(item);
            deliveries.addAll(resultsOf(item, batchId, completedAt, problems));
            index++;
        }
        return new SplitBatch(batchId, deliveries, items, problems);
    }

    /** One result per requester of a decoded item; each result names only its own requester. */
    public static List<Delivery> resultsOf(ItemResult item, String batchId, Instant completedAt,
            List<Problem> problems) {
        List<Delivery> out = new ArrayList<>(item.requesters().size());
        boolean costCharged = false;
        for (Requester requester : item.requesters()) {
            String topic;
            try {
                topic = ReplyTopics.resolve(requester);
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(Kind.REQUESTER, "batch " + batchId + " request " + requester.requestId()
                        + ": " + e.getMessage()));
                continue;
            }
            AnalysisResult result = new AnalysisResult(SchemaVersion.CURRENT, requester.requestId(),
                    requester.clientId(), item.status(), item.findings(), item.summary(), item.servedBy(),
                    item.cached(), batchId, item.usage(), item.error(), completedAt);
            out.add(new Delivery(topic, result, requester.traceparent(), !costCharged));
            costCharged = true;
        }
        return out;
    }

    private static List<Delivery> failedForUnreadable(JsonNode node, String batchId, Instant completedAt,
            List<Problem> problems) {
        List<Delivery> out = new ArrayList<>();
        for (JsonNode r : node.path("requesters")) {
            Requester requester;
            try {
                requester = Json.mapper().treeToValue(r, Requester.class);
            } catch (RuntimeException e) {
                continue;
            }
            String topic;
            try {
                topic = ReplyTopics.resolve(requester);
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(Kind.REQUESTER, "batch " + batchId + " request " + requester.requestId()
                        + ": " + e.getMessage()));
                continue;
            }
            ErrorInfo error = new ErrorInfo(INVALID_ITEM, "the analysis finished but its result could not be read");
            AnalysisResult result = new AnalysisResult(SchemaVersion.CURRENT, requester.requestId(),
                    requester.clientId(), ResultStatus.FAILED, List.of(), error.message(), null, false, batchId,
                    Usage.NONE, error, completedAt);
            out.add(new Delivery(topic, result, requester.traceparent(), false));
        }
        return out;
    }

    private static Instant instant(JsonNode node, Instant fallback) {
        if (!node.isString()) {
            return fallback;
        }
        try {
            return Instant.parse(node.stringValue());
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}

package dev.athena.workers.execution;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.Topics;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every {@link BatchResult} within what {@code athena.batch-results} takes. A result that Kafka would refuse
 * cannot be written at all: its transaction aborts, the batch is redone (paying the providers again), fails the
 * same way for ever, and holds back every later batch of its partition. So a result that would not fit ends
 * its batch instead, as one result whose items are all {@code FAILED} with {@value #CODE}.
 *
 * <p>That fallback fits: it carries what the batch itself carried (the requesters, cache keys and paths) but no
 * code, findings or summaries, and batches are closed by the collector well below the record limit (at three
 * quarters of it), which leaves room for a short error per item.
 */
public final class ResultSize {
    private static final Logger LOG = LoggerFactory.getLogger(ResultSize.class);
    public static final String CODE = "RESULT_TOO_LARGE";
    /**
     * The largest result value written: the topic's record limit less room for the key (the batch id) and the
     * record batch's own framing, which the broker counts against the limit too.
     */
    public static final int MAX_RESULT_BYTES = Topics.MAX_RECORD_BYTES - 64 * 1024;

    private ResultSize() {
    }

    /**
     * A batch result as the JSON it is written as: the size check's writing is the one sent, and a result waiting
     * for the batches before it on its partition is held once, as bytes.
     */
    public record Sized(String batchId, byte[] json) {
    }

    /** {@code result} itself when it fits {@link #MAX_RESULT_BYTES}, else its {@value #CODE} stand-in. */
    public static Sized fitting(BatchResult result) {
        return fitting(result, MAX_RESULT_BYTES);
    }

    static Sized fitting(BatchResult result, int maxBytes) {
        byte[] json = Json.write(result);
        if (json.length <= maxBytes) {
            return new Sized(result.batchId(), json);
        }
        ErrorInfo error = new ErrorInfo(CODE, "the answers to this batch came to " + json.length
                + " bytes, more than the " + maxBytes + " bytes a batch result may have");
        BatchResult failed = replaced(result, error, true);
        byte[] failedJson = Json.write(failed);
        if (failedJson.length > maxBytes) {
            // cannot happen for a batch the collector closed in time; if it does, keep only what the splitter needs
            failed = replaced(result, new ErrorInfo(CODE, "batch result over " + maxBytes + " bytes"), false);
            failedJson = Json.write(failed);
        }
        LOG.warn("result of batch {} is {} bytes, over the limit of {}: its {} items end {}", result.batchId(),
                json.length, maxBytes, result.items().size(), CODE);
        return new Sized(result.batchId(), failedJson);
    }

    /**
     * Each item FAILED with {@code error}; {@code detailed} keeps the path, the provider that served it and the
     * usage (the providers were paid: the usage ledger still learns of it).
     */
    private static BatchResult replaced(BatchResult result, ErrorInfo error, boolean detailed) {
        List<ItemResult> items = result.items().stream().map(i -> new ItemResult(i.cacheKey(), i.requesters(),
                i.analysisType(), detailed ? i.path() : null, ResultStatus.FAILED, detailed ? i.servedBy() : null,
                List.of(), null, detailed ? i.usage() : null, error, false)).toList();
        return new BatchResult(result.schemaVersion(), result.batchId(), result.route(), items, result.completedAt());
    }
}

package dev.athena.schemas.topic;

import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.message.AnalysisRequest;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition of an intake topic a request goes to: the one of its cache key (murmur2, as Kafka's own
 * partitioner hashes keys), while the record's key stays the request id.
 *
 * <p>Design notes. The collector coalesces identical questions and drops repeated request ids per partition (one
 * task each). Partitioned by request id, as a plain producer does, two clients asking the same question in the same
 * window meet in one task only one time in six; partitioned by cache key they always meet, and a retry (the same
 * request again, so the same key) still meets its first attempt. The gateway, the client library and the scan job
 * all partition this way. A request a plain producer keys by request id is handled alike, only coalesced less
 * often. The same request id sent once each way, or reused for another question, may land on two partitions and
 * is then not known as a repeat.
 */
public final class RequestPartitions {
    private RequestPartitions() {
    }

    public static int of(AnalysisRequest request, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 but was " + partitions);
        }
        byte[] key = CacheKey.ofRequested(request).value().getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}

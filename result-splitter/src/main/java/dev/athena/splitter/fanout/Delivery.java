package dev.athena.splitter.fanout;

import dev.athena.schemas.message.AnalysisResult;
import java.util.Objects;

/**
 * One result on its way to one requester.
 *
 * @param topic       the resolved result topic
 * @param traceparent the requester's W3C trace context, null when it had none
 * @param bearsCost   true for exactly one requester of an item: the usage ledger charges the provider call once,
 *                    however many requesters were coalesced onto it
 */
public record Delivery(String topic, AnalysisResult result, String traceparent, boolean bearsCost) {
    public Delivery {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(result, "result");
    }

    public String requestId() {
        return result.requestId();
    }

    public String clientId() {
        return result.clientId();
    }
}

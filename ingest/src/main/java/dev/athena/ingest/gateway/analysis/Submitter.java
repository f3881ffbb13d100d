package dev.athena.ingest.gateway.analysis;

import dev.athena.ingest.gateway.auth.Authenticator;
import dev.athena.ingest.gateway.store.StoreUnavailableException;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.AdmissionRules;
import dev.athena.schemas.validation.Decoded;
import dev.athena.schemas.validation.Rejection;
import dev.athena.schemas.validation.RejectionReason;
import dev.athena.schemas.validation.RequestDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the {@code AnalysisRequest} JSON from an HTTP body and the caller's client id, validates it with the
 * same {@link RequestDecoder} the collector uses (so HTTP and Kafka accept and refuse alike), records the
 * submission and produces it to its lane's intake ({@link Topics#intakeFor}: {@code athena.requests}, or
 * {@code athena.requests.bulk} for a caller that asks for the bulk lane), on its cache key's partition
 * ({@link RequestPartitions}). The call returns only when Kafka has the record.
 */
public final class Submitter {
    private static final Logger LOG = LoggerFactory.getLogger(Submitter.class);
    /**
     * Fields a caller may set; the gateway sets ids and time itself, and the lane to interactive unless the caller
     * asks for bulk (work that may wait, such as a build's files: it then never holds back interactive requests).
     */
    private static final List<String> CALLER_FIELDS = List.of("analysisType", "code", "language", "path",
            "provider", "model", "lane", "options", "stream", "deadline");

    private final Producer<String, byte[]> producer;
    private final SubmissionStore submissions;
    private final RequestDecoder decoder;
    private final InstantSource clock;
    private final Duration sendTimeout;
    /** How often a retry looks whether the attempt it overlaps has sent the request. */
    private static final Duration SENT_POLL = Duration.ofMillis(50);

    public Submitter(Producer<String, byte[]> producer, DataSource dataSource, RequestDecoder decoder,
            InstantSource clock, Duration sendTimeout) {
        this.producer = producer;
        this.submissions = new SubmissionStore(dataSource, clock);
        this.decoder = decoder;
        this.clock = clock;
        this.sendTimeout = sendTimeout;
    }

    public SubmitOutcome submit(String clientId, byte[] body, String idempotencyKey, String traceparent) {
        JsonNode given;
        try {
            given = Json.tree(body);
        } catch (JsonContractException e) {
            return invalid(RejectionReason.INVALID_JSON, null, "body is " + e.getMessage());
        }
        if (given == null || !given.isObject()) {
            return invalid(RejectionReason.INVALID_JSON, null, "body must be a JSON object");
        }
        String requestId = UUID.randomUUID().toString();
        ObjectNode request = Json.mapper().createObjectNode();
        request.put("schemaVersion", SchemaVersion.CURRENT);
        request.put("requestId", requestId);
        request.put("clientId", clientId);
        request.put("lane", Lane.INTERACTIVE.wireName());
        request.put("createdAt", clock.instant().toString());
        for (String field : CALLER_FIELDS) {
            JsonNode value = given.get(field);
            if (value != null) {
                request.set(field, value);
            }
        }
        byte[] bytes = Json.write(request);
        Decoded decoded = decoder.decode(bytes);
        if (!(decoded instanceof Decoded.Accepted accepted)) {
            return new SubmitOutcome.Invalid(((Decoded.Rejected) decoded).rejection());
        }
        String idempotencyHash = idempotencyKey == null ? null : Authenticator.sha256Hex(idempotencyKey);
        String bodyHash = Authenticator.sha256Hex(new String(body, StandardCharsets.UTF_8));
        Optional<SubmissionStore.Existing> existing = submissions.claim(requestId, clientId, idempotencyHash,
                bodyHash);
        if (existing.isPresent()) {
            SubmissionStore.Existing claim = existing.get();
            if (!claim.bodyHash().equals(bodyHash)) {
                return new SubmitOutcome.IdempotencyMismatch(claim.requestId());
            }
            if (!claim.sent() && !sentMeanwhile(clientId, idempotencyHash, claim)) {
                resend(request, claim.requestId(), traceparent);
            }
            return new SubmitOutcome.Accepted(claim.requestId(), true);
        }
        // after the replay above: a retry of a request sent before its deadline answers with that request
        Optional<Rejection> refused = AdmissionRules.check(accepted.request(), clock.instant());
        if (refused.isPresent()) {
            submissions.release(requestId);
            return new SubmitOutcome.Invalid(refused.get());
        }
        try {
            send(accepted.request(), bytes, traceparent);
        } catch (RuntimeException e) {
            if (idempotencyHash == null) {
                submissions.release(requestId);
            }
            // with a key the claim stays: a send that timed out may still have reached Kafka, and the client's
            // retry sends the request again under this id, which the collector then recognises as a repeat
            throw e;
        }
        if (idempotencyHash != null) {
            // without a key nothing can replay the claim, so nobody needs to know it was sent
            sent(requestId);
        }
        return new SubmitOutcome.Accepted(requestId, false);
    }

    /**
     * Whether a claim not yet known to be in Kafka becomes so while its first attempt may still be sending it
     * (for up to the send timeout after the claim): a concurrent retry then answers with it instead of sending it
     * a second time. False once that time is over: the first attempt failed, or its gateway stopped.
     */
    private boolean sentMeanwhile(String clientId, String idempotencyHash, SubmissionStore.Existing claim) {
        long waitNanos = Duration.between(clock.instant(), claim.claimedAt().plus(sendTimeout)).toNanos();
        long until = System.nanoTime() + Math.max(0, waitNanos);
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(SENT_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (submissions.find(clientId, idempotencyHash).map(SubmissionStore.Existing::sent).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A retry of a claim not known to have reached Kafka: the attempt that claimed it failed (perhaps only after
     * the record got there), or its gateway stopped before sending. The same request goes out under the claimed
     * id; should it have gone already, the collector takes this one for the retry it is and drops it. A failure
     * here is the retry's own 503, and the claim stays for the next one.
     */
    private void resend(ObjectNode request, String claimedId, String traceparent) {
        request.put("requestId", claimedId);
        byte[] bytes = Json.write(request);
        if (decoder.decode(bytes) instanceof Decoded.Accepted again) {
            send(again.request(), bytes, traceparent);
            sent(claimedId);
        }
    }

    /** Recorded for retries only: a store outage here must not turn a request that went out into an error. */
    private void sent(String requestId) {
        try {
            submissions.markSent(requestId);
        } catch (StoreUnavailableException e) {
            LOG.warn("request {} was sent but could not be marked so: a retry will send it again", requestId);
        }
    }

    public boolean owns(String clientId, String requestId) {
        return submissions.owns(clientId, requestId);
    }

    private void send(AnalysisRequest request, byte[] bytes, String traceparent) {
        String requestId = request.requestId();
        ProducerRecord<String, byte[]> record;
        try {
            record = RequestPartitions.record(producer, request, bytes);
        } catch (KafkaException e) {
            throw new KafkaUnavailableException("no metadata for " + Topics.intakeFor(request.lane()) + " to produce "
                    + requestId, e);
        }
        record.headers().add("traceparent", Traceparent.continueOrStart(traceparent)
                .getBytes(StandardCharsets.US_ASCII));
        try {
            producer.send(record).get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while producing " + requestId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnavailableException("could not produce " + requestId + " to "
                    + Topics.intakeFor(request.lane()), e);
        }
    }

    private static SubmitOutcome invalid(RejectionReason reason, String field, String message) {
        return new SubmitOutcome.Invalid(new Rejection(reason, field, message, null, null));
    }
}

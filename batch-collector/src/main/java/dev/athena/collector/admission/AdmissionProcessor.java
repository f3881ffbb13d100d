package dev.athena.collector.admission;

import dev.athena.collector.cache.CacheHit;
import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.collector.state.PromptCommit;
import dev.athena.collector.state.StoreKind;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.Route;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.AdmissionRules;
import dev.athena.schemas.validation.Decoded;
import dev.athena.schemas.validation.IdSyntax;
import dev.athena.schemas.validation.Rejection;
import dev.athena.schemas.validation.RejectionLog;
import dev.athena.schemas.validation.RejectionReason;
import dev.athena.schemas.validation.RequestDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission: decode the raw bytes (never throwing), turn away what must not reach a provider, refuse clients not
 * on the allowlist, drop a client's repeated request ids, and hand the rest to batching. Bad records go to the DLQ with the
 * reason in headers and, when the requester can be named, a REJECTED item result. A question already answered
 * in the cache gets a COMPLETED item result marked cached, without a provider. Every request id that got an
 * answer or a window is remembered for {@code retention} ({@link SeenIds}), so a client retrying gets no second
 * result.
 *
 * <p>Dedup relies on the contract that records are keyed by requestId, so retries land on the same partition.
 * Expiry follows stream time; deadlines are compared with the injected {@link Clock}.
 */
public final class AdmissionProcessor implements Processor<byte[], byte[], Object, Object> {
    public static final String TRACEPARENT = "traceparent";
    static final int MAX_TRACEPARENT_LENGTH = 256;
    public static final String CLIENT_ID_HEADER = RequestPartitions.CLIENT_ID_HEADER;
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionProcessor.class);

    private final RequestDecoder decoder;
    private final CacheLookup cache;
    private final Clock clock;
    private final Duration retention;
    private final CollectorMetrics metrics;
    private final Children children;
    private final ClientAllowlist.Matcher allowed;
    private ProcessorContext<Object, Object> context;
    private SeenIds seen;
    private PromptCommit promptCommit;
    private final long filterCapacity;
    private RejectionLog rejectionLog;
    /** Scheduled only while rejections wait to be told: a wall-clock punctuation makes every commit a full one. */
    private Cancellable rejectionTicker;

    /** Names of the downstream nodes this processor writes to. */
    public record Children(String deadLetters, String directResults, String batching) {
    }

    /** Every client allowed. */
    public AdmissionProcessor(RequestDecoder decoder, CacheLookup cache, Clock clock, CollectorMetrics metrics,
            Duration retention, Children children) {
        this(decoder, cache, clock, metrics, retention, children, ClientAllowlist.everyone());
    }

    public AdmissionProcessor(RequestDecoder decoder, CacheLookup cache, Clock clock, CollectorMetrics metrics,
            Duration retention, Children children, ClientAllowlist allowlist) {
        this(decoder, cache, clock, metrics, retention, children, allowlist, SeenFilter.DEFAULT_CAPACITY);
    }

    AdmissionProcessor(RequestDecoder decoder, CacheLookup cache, Clock clock, CollectorMetrics metrics,
            Duration retention, Children children, ClientAllowlist allowlist, long filterCapacity) {
        this.filterCapacity = filterCapacity;
        this.allowed = allowlist.matcher();
        this.decoder = decoder;
        this.cache = cache;
        this.clock = clock;
        this.retention = retention;
        this.metrics = metrics;
        this.children = children;
    }

    /** The stores this processor needs: see {@link SeenIds}. */
    public static List<StoreBuilder<?>> stores(StoreKind kind, Duration retention) {
        return SeenIds.stores(kind, retention);
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        // a new filter at every init: Streams may init the processors of a task again when it revives it
        this.seen = new SeenIds(context, retention, new SeenFilter(filterCapacity));
        this.promptCommit = new PromptCommit(context, context.getStateStore(SeenIds.COMMIT_HOOK), "prompt-commit");
        this.rejectionLog = new RejectionLog(LOG, "request", RejectionLog.EVERY, context::currentSystemTimeMs);
        this.rejectionTicker = null;
    }

    @Override
    public void close() {
        rejectionLog.flush();
        seen.close();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        promptCommit.recordRead();
        String traceparent = traceparent(record);
        switch (decoder.decode(record.value())) {
            case Decoded.Rejected rejected -> reject(record, identified(record, rejected.rejection()), null, null,
                    traceparent);
            case Decoded.Accepted accepted -> admit(record, accepted, traceparent);
        }
    }

    private void admit(Record<byte[], byte[]> record, Decoded.Accepted accepted, String traceparent) {
        AnalysisRequest request = accepted.request();
        // before dedup: a refused client's every record is dead-lettered, so operators see each attempt
        if (!allowed.test(request.clientId())) {
            reject(record, new Rejection(RejectionReason.UNAUTHORISED_CLIENT, "clientId", "client '"
                    + request.clientId() + "' is not allowed to submit requests to this collector",
                    request.requestId(), request.clientId()), request, null, traceparent);
            return;
        }
        String seenKey = SeenIds.key(request.clientId(), request.requestId());
        if (seen.contains(seenKey, request.requestId())) {
            metrics.duplicate();
            LOG.debug("dropped duplicate request {} of client {}", request.requestId(), request.clientId());
            return;
        }
        Route route;
        try {
            // the route's own check is the rule (AdmissionRules.unroutable, which the gateway asks): one scan
            route = new Route(request.providerOrAuto(), request.modelOrAuto(), request.lane());
        } catch (IllegalArgumentException e) {
            reject(record, AdmissionRules.unroutableRejection(request), request, null, traceparent);
            return;
        }
        if (AdmissionRules.unknownProvider(request)) {
            reject(record, AdmissionRules.unknownProviderRejection(request), request, null, traceparent);
            return;
        }
        // the clock only when a deadline needs it: reading it per record was a noticeable share of admission
        Instant now = request.deadline() != null ? clock.instant() : null;
        if (now != null && AdmissionRules.pastDeadline(request, now)) {
            reject(record, AdmissionRules.pastDeadlineRejection(request, now), request, route.key(), traceparent);
            return;
        }
        seen.add(seenKey);
        String cacheKey = accepted.cacheKey().value();
        Optional<CacheHit> hit = servable(request, lookup(cacheKey));
        if (hit.isPresent()) {
            metrics.cacheHit(hit.get().tier());
            var result = DirectResults.cached(request, route.key(), cacheKey, hit.get().analysis(), traceparent,
                    now != null ? now : clock.instant());
            context.forward(new Record<Object, Object>(result.batchId(), result, record.timestamp()),
                    children.directResults());
            promptCommit.outputSent();
            return;
        }
        metrics.cacheMiss();
        metrics.accepted();
        Admitted admitted = new Admitted(request, route, cacheKey, traceparent, record.value());
        context.forward(new Record<Object, Object>(route.key(), admitted, record.timestamp()), children.batching());
    }

    private void reject(Record<byte[], byte[]> record, Rejection rejection, AnalysisRequest request, String route,
            String traceparent) {
        metrics.rejected(rejection.reason());
        if (rejectionLog.rejected(rejection) && rejectionTicker == null) {
            rejectionTicker = context.schedule(RejectionLog.EVERY, PunctuationType.WALL_CLOCK_TIME,
                    ignored -> tellRejections());
        }
        var source = context.recordMetadata().orElse(null);
        context.forward(DeadLetter.of(record, rejection, source, Topics.MAX_RECORD_BYTES), children.deadLetters());
        if (!rejection.clientKnown()) {
            return;
        }
        String seenKey = SeenIds.key(rejection.clientId(), rejection.requestId());
        if (seen.contains(seenKey, rejection.requestId())) {
            return;
        }
        seen.add(seenKey);
        var result = DirectResults.rejected(rejection, request, route, traceparent, clock.instant());
        context.forward(new Record<Object, Object>(result.batchId(), result, record.timestamp()),
                children.directResults());
        promptCommit.outputSent();
    }

    private void tellRejections() {
        if (!rejectionLog.tick()) {
            rejectionTicker.cancel();
            rejectionTicker = null;
        }
    }

    /** The cache promises not to throw; should one break that promise, the request is batched, not lost. */
    private Optional<CacheHit> lookup(String cacheKey) {
        try {
            return cache.find(cacheKey);
        } catch (RuntimeException e) {
            LOG.warn("cache lookup failed, treating it as a miss: {}", e.toString());
            return Optional.empty();
        }
    }

    /** A degraded (offline fallback) answer never serves a request that asked for a real model. */
    private static Optional<CacheHit> servable(AnalysisRequest request, Optional<CacheHit> hit) {
        return hit.filter(h -> !h.analysis().servedBy().degraded()
                || h.analysis().servedBy().provider().equals(request.providerOrAuto()));
    }

    /**
     * When the body is unreadable, the requester may still be named by the record: the key is the requestId by
     * contract, and producers may set the {@code athena-client-id} header.
     */
    private static Rejection identified(Record<byte[], byte[]> record, Rejection rejection) {
        if (rejection.clientKnown()) {
            return rejection;
        }
        String requestId = rejection.requestId() != null ? rejection.requestId() : strictUtf8(record.key());
        String clientId = rejection.clientId() != null ? rejection.clientId() : header(record, CLIENT_ID_HEADER);
        requestId = requestId != null && IdSyntax.isRequestId(requestId) ? requestId : null;
        clientId = clientId != null && IdSyntax.isClientId(clientId) ? clientId : null;
        return new Rejection(rejection.reason(), rejection.field(), rejection.message(), requestId, clientId);
    }

    private static String strictUtf8(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * A W3C traceparent is 55 characters (later versions may add a few); anything far longer or not printable
     * ASCII is no trace context, and would otherwise ride along in every batch and result of the request.
     */
    private static String traceparent(Record<?, ?> record) {
        String value = header(record, TRACEPARENT);
        if (value == null || value.length() > MAX_TRACEPARENT_LENGTH) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < 0x20 || value.charAt(i) > 0x7e) {
                return null;
            }
        }
        return value;
    }

    private static String header(Record<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

package dev.athena.schemas.validation;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.ProviderNames;
import java.time.Instant;
import java.util.Optional;

/**
 * What admission refuses in a request that decoded well: a provider or model that cannot name a route, a provider
 * the workers do not serve, a deadline already past. The collector checks them on every request; the gateway
 * checks them too, so that an HTTP caller hears of them in its answer (422) instead of in a REJECTED result, with
 * the same reason and words.
 */
public final class AdmissionRules {
    private AdmissionRules() {
    }

    /** Every rule, in the order the collector applies them; {@code now} is when the request arrived. */
    public static Optional<Rejection> check(AnalysisRequest request, Instant now) {
        if (unroutable(request)) {
            return Optional.of(unroutableRejection(request));
        }
        if (unknownProvider(request)) {
            return Optional.of(unknownProviderRejection(request));
        }
        if (pastDeadline(request, now)) {
            return Optional.of(pastDeadlineRejection(request, now));
        }
        return Optional.empty();
    }

    /** Route keys are {@code provider/model/lane}: a slash in either name would make another route's key. */
    public static boolean unroutable(AnalysisRequest request) {
        return request.providerOrAuto().indexOf('/') >= 0 || request.modelOrAuto().indexOf('/') >= 0;
    }

    public static Rejection unroutableRejection(AnalysisRequest request) {
        return new Rejection(RejectionReason.INVALID_FIELD, "provider",
                "fields 'provider' and 'model' must not contain '/'", request.requestId(), request.clientId());
    }

    /** A provider outside {@link ProviderNames} and {@code auto}: no worker would answer as that provider. */
    public static boolean unknownProvider(AnalysisRequest request) {
        return !ProviderNames.requestable(request.providerOrAuto());
    }

    public static Rejection unknownProviderRejection(AnalysisRequest request) {
        return new Rejection(RejectionReason.INVALID_FIELD, "provider", "field 'provider' ('" + request.provider()
                + "') must be one of " + String.join(", ", ProviderNames.ALL)
                + ", or 'auto' (or left out) to let the pipeline choose", request.requestId(), request.clientId());
    }

    public static boolean pastDeadline(AnalysisRequest request, Instant now) {
        return request.deadline() != null && !request.deadline().isAfter(now);
    }

    public static Rejection pastDeadlineRejection(AnalysisRequest request, Instant now) {
        return new Rejection(RejectionReason.DEADLINE_PASSED, "deadline", "field 'deadline' (" + request.deadline()
                + ") had already passed at admission (" + now + ")", request.requestId(), request.clientId());
    }
}

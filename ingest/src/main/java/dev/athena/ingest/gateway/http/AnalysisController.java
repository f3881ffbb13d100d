package dev.athena.ingest.gateway.http;

import dev.athena.ingest.gateway.analysis.Lookup;
import dev.athena.ingest.gateway.analysis.SubmitOutcome;
import dev.athena.ingest.gateway.auth.Principal;
import dev.athena.ingest.gateway.auth.Scope;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.validation.Rejection;
import dev.athena.schemas.validation.RejectionReason;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.redisson.client.RedisException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Submitting analyses and reading their results. */
@RestController
public class AnalysisController {
    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final int MAX_IDEMPOTENCY_KEY = 255;

    private final GatewayCore core;

    public AnalysisController(GatewayCore core) {
        this.core = core;
    }

    @PostMapping("/v1/analyses")
    ResponseEntity<String> submit(HttpServletRequest request, HttpServletResponse response,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestHeader(name = "traceparent", required = false) String traceparent) {
        var timer = io.micrometer.core.instrument.Timer.start(core.registry());
        Principal principal = core.guard().require(request, response, Scope.SUBMIT);
        byte[] body = Bodies.read(request, core.maxBodyBytes());
        checkIdempotencyKey(idempotencyKey, "header 'Idempotency-Key'", "Idempotency-Key");
        SubmitOutcome outcome = core.submitter().submit(principal.clientId(), body, idempotencyKey, traceparent);
        switch (outcome) {
            case SubmitOutcome.Accepted accepted -> {
                core.metrics().submission(accepted.replay() ? "replayed" : "accepted");
                timer.stop(core.metrics().submitLatency());
                String location = "/v1/analyses/" + accepted.requestId();
                var builder = ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create(location))
                        .contentType(MediaType.APPLICATION_JSON);
                if (accepted.replay()) {
                    builder.header("Idempotent-Replayed", "true");
                }
                return builder.body(Json.writeString(status(accepted.requestId(), "PENDING", location)));
            }
            case SubmitOutcome.Invalid invalid -> {
                core.metrics().submission("invalid");
                Rejection r = invalid.rejection();
                if (r.reason() == RejectionReason.INVALID_JSON && r.field() == null) {
                    throw new ApiProblem(400, "Bad Request", r.message(), "body", Map.of());
                }
                throw new ApiProblem(422, "Unprocessable Content", r.message(), r.field(),
                        Map.of("X-Athena-Rejection", r.reason().name()));
            }
            case SubmitOutcome.IdempotencyMismatch mismatch -> {
                core.metrics().submission("conflict");
                throw new ApiProblem(422, "Unprocessable Content", "this Idempotency-Key was already used with a "
                        + "different body", "Idempotency-Key", Map.of());
            }
        }
    }

    /** A long poll: one of the client's open streams while it waits ({@link OpenStreams}). */
    private Lookup awaitOpen(Principal principal, String id, Duration waitFor) throws InterruptedException {
        try (OpenStreams.Slot slot = core.openStreams().open(principal.clientId())) {
            return core.lookup().await(principal.clientId(), id, waitFor);
        }
    }

    @GetMapping("/v1/analyses/{id}")
    ResponseEntity<String> get(@PathVariable("id") String id, @RequestParam(name = "wait", required = false) String wait,
            HttpServletRequest request, HttpServletResponse response) throws InterruptedException {
        Principal principal = core.guard().require(request, response, Scope.READ);
        Duration waitFor = WaitParameter.parse(wait, core.maxWait());
        if (!REQUEST_ID.matcher(id).matches()) {
            throw notFound();
        }
        Lookup lookup = waitFor.isZero() ? core.lookup().find(principal.clientId(), id)
                : awaitOpen(principal, id, waitFor);
        return switch (lookup) {
            case Lookup.Done done -> {
                core.metrics().lookup("done");
                yield ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(done.resultJson());
            }
            case Lookup.Pending pending -> {
                core.metrics().lookup("pending");
                // a cancellation asked for shows until the one result says whether it came in time
                String state = core.cancels().asked(principal.clientId(), id) ? "CANCELLING" : "PENDING";
                yield ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
                        .header(HttpHeaders.RETRY_AFTER, "1")
                        .body(Json.writeString(status(id, state, "/v1/analyses/" + id)));
            }
            case Lookup.NotFound notFound -> {
                core.metrics().lookup("not-found");
                throw notFound();
            }
        };
    }

    /**
     * Asks for the request to be cancelled: its one result will be CANCELLED if no provider has been asked yet, or
     * otherwise what the provider answered. A request already ended is a 409 naming its status.
     */
    @DeleteMapping("/v1/analyses/{id}")
    ResponseEntity<String> cancel(@PathVariable("id") String id, HttpServletRequest request,
            HttpServletResponse response) {
        Principal principal = core.guard().require(request, response, Scope.SUBMIT);
        if (!REQUEST_ID.matcher(id).matches()) {
            throw notFound();
        }
        if (core.lookup().find(principal.clientId(), id) instanceof Lookup.Done done) {
            core.metrics().cancellation("ended");
            throw new ApiProblem(409, "Conflict", "this analysis has already ended ("
                    + Json.tree(done.resultJson().getBytes(java.nio.charset.StandardCharsets.UTF_8)).get("status")
                            .asString() + "): there is nothing left to cancel");
        }
        try {
            core.cancels().cancel(principal.clientId(), id);
        } catch (RedisException e) {
            core.metrics().cancellation("unavailable");
            throw new ApiProblem(503, "Service Unavailable", "cancellations reach the provider workers through "
                    + "Redis, which is unavailable; nothing was recorded, retry later", null,
                    Map.of(HttpHeaders.RETRY_AFTER, "5"));
        }
        core.metrics().cancellation("recorded");
        String location = "/v1/analyses/" + id;
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
                .body(Json.writeString(status(id, "CANCELLING", location)));
    }

    static ApiProblem notFound() {
        return new ApiProblem(404, "Not Found", "no analysis with this id");
    }

    private static Map<String, Object> status(String id, String status, String location) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("status", status);
        body.put("location", location);
        body.put("events", location + "/events");
        return body;
    }

    /** An idempotency key, from a header or a WebSocket message, is 1-255 characters when given. */
    static void checkIdempotencyKey(String key, String what, String field) {
        if (key != null && (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY)) {
            throw new ApiProblem(422, "Unprocessable Content", what + " must be 1-" + MAX_IDEMPOTENCY_KEY
                    + " characters", field, Map.of());
        }
    }
}

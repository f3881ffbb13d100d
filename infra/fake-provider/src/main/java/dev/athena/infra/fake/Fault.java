package dev.athena.infra.fake;

import java.time.Duration;
import java.util.List;

/** One scripted response of the fake provider server. */
public sealed interface Fault {
    /** A normal answer whose assistant text is {@code text} (streamed in pieces when the request streams). */
    record Answer(String text) implements Fault {
    }

    /** A 429 rate limit with the dialect's real headers; {@code retryAfterSeconds} may be 0 for none. */
    record RateLimited(int retryAfterSeconds) implements Fault {
    }

    /** A 429 that says the quota or spend limit is exhausted: must not be retried. */
    record QuotaExhausted() implements Fault {
    }

    /** An HTTP error status with the dialect's error body: 500, 503, 529, 401, 400. */
    record Status(int status) implements Fault {
    }

    /** The connection is reset (TCP RST) after the request is read. */
    record Reset() implements Fault {
    }

    /** No response at all for {@code duration}, then the connection is closed. */
    record Stall(Duration duration) implements Fault {
    }

    /** HTTP 200 whose body is {@code body} verbatim (not the dialect's JSON). */
    record Malformed(String body) implements Fault {
    }

    /** HTTP 200 stream that sends {@code deltas} and then an overloaded error event. */
    record OverloadedInStream(List<String> deltas) implements Fault {
    }

    /** HTTP 200 whose JSON body stops halfway although its length said more (connection closed). */
    record TruncatedBody() implements Fault {
    }

    /** HTTP 200 stream that sends {@code deltas} and then stops without its end (connection closed). */
    record TruncatedStream(List<String> deltas) implements Fault {
    }

    /** HTTP 200 stream that sends {@code deltas} and then goes silent for {@code stall}, connection open. */
    record StallInStream(List<String> deltas, Duration stall) implements Fault {
    }

    /** {@code then}, after waiting {@code delay} before the status line. */
    record Delayed(Duration delay, Fault then) implements Fault {
    }
}

package dev.athena.infra.fake;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/** What a demo server does to every request: answer well, slowly, or fail in one of the providers' ways. */
enum Scenario {
    OK, SLOW, RATE_LIMITED("429"), UNAVAILABLE("503"), OVERLOADED("529"), QUOTA, STALL, RESET, MALFORMED, TRUNCATED;

    private final String alias;

    Scenario() {
        this(null);
    }

    Scenario(String alias) {
        this.alias = alias;
    }

    static Scenario parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Scenario s : values()) {
            if (v.equals(s.alias) || v.equals(s.name().toLowerCase(Locale.ROOT).replace('_', '-'))) {
                return s;
            }
        }
        throw new IllegalArgumentException("scenario must be one of ok, slow, 429, 503, 529, quota, stall, reset, "
                + "malformed, truncated but was '" + value + "'");
    }

    /**
     * The response to each request; {@code latency} delays every response (and is the delay of {@code slow}),
     * {@code stall} is how long a stall lasts.
     */
    Function<FakeProviderServer.Recorded, Fault> responder(String answer, Duration latency, Duration stall) {
        Function<FakeProviderServer.Recorded, Fault> base = switch (this) {
            case OK, SLOW -> request -> new Fault.Answer(Wire.forPrompt(answer, request));
            case RATE_LIMITED -> request -> new Fault.RateLimited(1);
            case UNAVAILABLE -> request -> new Fault.Status(503);
            case OVERLOADED -> request -> new Fault.Status(529);
            case QUOTA -> request -> new Fault.QuotaExhausted();
            case STALL -> request -> new Fault.Stall(stall);
            case RESET -> request -> new Fault.Reset();
            case MALFORMED -> request -> new Fault.Malformed("<html>upstream error</html>");
            case TRUNCATED -> request -> request.streaming() ? new Fault.TruncatedStream(Wire.chunks(answer))
                    : new Fault.TruncatedBody();
        };
        Duration delay = this == SLOW && latency.isZero() ? Duration.ofSeconds(2) : latency;
        return delay.isZero() ? base : request -> new Fault.Delayed(delay, base.apply(request));
    }
}

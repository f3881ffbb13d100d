package dev.athena.workers.provider.vendor;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a provider says about its limits, read from either dialect: {@code retry-after} (seconds or an HTTP date),
 * OpenAI's {@code x-ratelimit-remaining-*} with resets as Go durations ({@code 1s}, {@code 6m0s}, {@code 120ms}),
 * Anthropic's {@code anthropic-ratelimit-*} with RFC 3339 resets.
 */
public record RateLimitHeaders(Duration retryAfter, OptionalLong remainingRequests, OptionalLong remainingTokens,
        Duration requestsReset, Duration tokensReset) {
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    public static RateLimitHeaders from(HttpHeaders headers, InstantSource clock) {
        Instant now = clock.instant();
        Duration retryAfter = headers.firstValue("retry-after").map(v -> retryAfter(v, now)).orElse(null);
        Budget requests = tightest(headers, now, REQUEST_BUDGETS);
        Budget tokens = tightest(headers, now, TOKEN_BUDGETS);
        return new RateLimitHeaders(retryAfter, requests.remaining(), tokens.remaining(), requests.reset(),
                tokens.reset());
    }

    /** A budget's remaining-count header and the header of its reset. */
    private record Header(String remaining, String reset) {
    }

    private record Budget(OptionalLong remaining, Duration reset) {
    }

    private static final List<Header> REQUEST_BUDGETS = List.of(
            new Header("x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"),
            new Header("anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset"));
    /**
     * Anthropic states several token budgets at once (all tokens, input, output), and any of them may be the one
     * used up: the tightest counts, not the first present.
     */
    private static final List<Header> TOKEN_BUDGETS = List.of(
            new Header("x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"),
            new Header("anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset"),
            new Header("anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-input-tokens-reset"),
            new Header("anthropic-ratelimit-output-tokens-remaining", "anthropic-ratelimit-output-tokens-reset"));

    /** The budget with the least remaining; of equally tight ones, the one that resets last. */
    private static Budget tightest(HttpHeaders headers, Instant now, List<Header> budgets) {
        OptionalLong least = OptionalLong.empty();
        Duration reset = null;
        for (Header budget : budgets) {
            OptionalLong remaining = number(headers, budget.remaining());
            Duration resets = reset(headers, now, budget.reset());
            if (remaining.isEmpty()) {
                if (least.isEmpty() && reset == null) {
                    reset = resets;
                }
                continue;
            }
            boolean tighter = least.isEmpty() || remaining.getAsLong() < least.getAsLong();
            boolean asTightLonger = least.isPresent() && remaining.getAsLong() == least.getAsLong()
                    && resets != null && (reset == null || resets.compareTo(reset) > 0);
            if (tighter || asTightLonger) {
                least = remaining;
                reset = resets;
            }
        }
        return new Budget(least, reset);
    }

    /** How long to wait before the next attempt: retry-after, else the reset of whatever ran out. */
    public Optional<Duration> suggestedWait() {
        return retryAfter != null ? Optional.of(retryAfter) : exhaustedFor();
    }

    /** When a response says a budget is used up (remaining 0), how long until it resets. */
    public Optional<Duration> exhaustedFor() {
        Duration wait = null;
        if (remainingRequests.isPresent() && remainingRequests.getAsLong() == 0 && requestsReset != null) {
            wait = requestsReset;
        }
        if (remainingTokens.isPresent() && remainingTokens.getAsLong() == 0 && tokensReset != null) {
            wait = wait == null || tokensReset.compareTo(wait) > 0 ? tokensReset : wait;
        }
        return Optional.ofNullable(wait);
    }

    static Duration retryAfter(String value, Instant now) {
        String v = value.trim();
        try {
            return Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return positive(Duration.between(now, at));
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
    }

    /** A Go duration ({@code 6m0s}, {@code 120ms}, {@code 1h2m3.5s}) or an RFC 3339 instant. */
    static Duration resetValue(String value, Instant now) {
        String v = value.trim();
        if (v.contains("T")) {
            try {
                return positive(Duration.between(now, Instant.parse(v)));
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        Matcher m = GO_DURATION_PART.matcher(v);
        double millis = 0;
        int matched = 0;
        while (m.find()) {
            double n = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "h" -> n * 3_600_000;
                case "m" -> n * 60_000;
                case "s" -> n * 1000;
                default -> n;
            };
            matched += m.group().length();
        }
        return matched == v.length() && matched > 0 ? Duration.ofMillis((long) millis) : null;
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static OptionalLong number(HttpHeaders headers, String... names) {
        for (String name : names) {
            Optional<String> v = headers.firstValue(name);
            if (v.isPresent()) {
                try {
                    return OptionalLong.of(Long.parseLong(v.get().trim()));
                } catch (NumberFormatException ignored) {
                    // try the next name
                }
            }
        }
        return OptionalLong.empty();
    }

    private static Duration reset(HttpHeaders headers, Instant now, String... names) {
        for (String name : names) {
            Optional<String> v = headers.firstValue(name);
            if (v.isPresent()) {
                Duration d = resetValue(v.get(), now);
                if (d != null) {
                    return d;
                }
            }
        }
        return null;
    }
}

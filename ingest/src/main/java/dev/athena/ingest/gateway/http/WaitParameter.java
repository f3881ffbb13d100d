package dev.athena.ingest.gateway.http;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code ?wait=} as {@code 30s}, {@code 500ms}, {@code 2m} or plain seconds; capped at the configured maximum. */
final class WaitParameter {
    private static final Pattern FORM = Pattern.compile("(\\d{1,6})(ms|s|m)?");

    private WaitParameter() {
    }

    static Duration parse(String text, Duration max) {
        if (text == null || text.isBlank()) {
            return Duration.ZERO;
        }
        var m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            // The value is not echoed: whatever was pasted into a URL stays out of responses.
            throw new ApiProblem(422, "Unprocessable Content", "parameter 'wait' must be a duration such as 30s, "
                    + "500ms or 2m (" + text.length() + " characters given)", "wait", Map.of());
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration wait = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
        return wait.compareTo(max) > 0 ? max : wait;
    }
}

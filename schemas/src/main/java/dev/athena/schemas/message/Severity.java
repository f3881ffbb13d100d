package dev.athena.schemas.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Finding severity, ordered from most to least severe. Lower-case on the wire. */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW, INFO;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.wireName().equals(v)).findFirst();
    }

    @JsonCreator
    static Severity of(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException(
                "unknown severity '" + value + "' (expected critical, high, medium, low or info)"));
    }
}

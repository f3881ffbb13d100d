package dev.athena.schemas.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Interactive work (gateway, streaming) is never delayed by bulk work (scans). */
public enum Lane {
    INTERACTIVE, BULK;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Lane> fromWire(String value) {
        return Arrays.stream(values()).filter(l -> l.wireName().equals(value)).findFirst();
    }

    @JsonCreator
    static Lane of(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException(
                "unknown lane '" + value + "' (expected interactive or bulk)"));
    }
}

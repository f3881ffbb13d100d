package dev.athena.schemas.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Interactive work (gateway, streaming) is never delayed by bulk work (scans). */
public enum Lane {
    INTERACTIVE, BULK;

    /** Looked up on every request; {@code values()} would copy the array each time. */
    private static final List<Lane> WIRE_ORDER = List.of(values());
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Optional<Lane> fromWire(String value) {
        for (Lane lane : WIRE_ORDER) {
            if (lane.wireName().equals(value)) {
                return Optional.of(lane);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static Lane of(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException(
                "unknown lane '" + value + "' (expected interactive or bulk)"));
    }
}

package dev.athena.schemas.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a client wants to know about its code. Lower-case on the wire. */
public enum AnalysisType {
    SECURITY, QUALITY, COMPLEXITY, EXPLAIN;

    /** Looked up on every request; {@code values()} would copy the array each time. */
    private static final List<AnalysisType> WIRE_ORDER = List.of(values());
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Optional<AnalysisType> fromWire(String value) {
        for (AnalysisType type : WIRE_ORDER) {
            if (type.wireName().equals(value)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static AnalysisType of(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException(
                "unknown analysisType '" + value + "' (expected one of " + wireNames() + ")"));
    }

    public static String wireNames() {
        return Arrays.stream(values()).map(AnalysisType::wireName).collect(Collectors.joining(", "));
    }
}

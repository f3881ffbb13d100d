package dev.athena.schemas.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a client wants to know about its code. Lower-case on the wire. */
public enum AnalysisType {
    SECURITY, QUALITY, COMPLEXITY, EXPLAIN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AnalysisType> fromWire(String value) {
        return Arrays.stream(values()).filter(t -> t.wireName().equals(value)).findFirst();
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

package dev.athena.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.validation.Decoded;
import dev.athena.schemas.validation.RequestDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The request schema (for non-Java producers) and the Java decoder (what admission really does) must agree:
 * generated variants of a valid request are accepted by both or rejected by both.
 */
class SchemaDecoderAgreementTest {
    private static final List<String> REQUIRED = List.of("schemaVersion", "requestId", "clientId", "analysisType",
            "code");
    private static final List<String> OPTIONAL_STRINGS = List.of("language", "path", "provider", "model", "replyTo");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RequestDecoder decoder = RequestDecoder.ofDefaults();

    static ObjectNode base() {
        ObjectNode node = NODES.objectNode();
        node.put("schemaVersion", 1);
        node.put("requestId", "6f1c2a9e-0d4b-4c7e-9a51-2b8e1f0c3d77");
        node.put("clientId", "team-payments");
        node.put("analysisType", "security");
        node.put("code", "eval(input())\n");
        return node;
    }

    static Stream<Arguments> variants() {
        List<Arguments> out = new ArrayList<>();
        out.add(variant("base", true, n -> { }));
        for (String field : REQUIRED) {
            out.add(variant("without " + field, false, n -> n.remove(field)));
            out.add(variant(field + " null", false, n -> n.putNull(field)));
            out.add(variant(field + " an array", false, n -> n.putArray(field)));
            out.add(variant(field + " an object", false, n -> n.putObject(field)));
            out.add(variant(field + " true", false, n -> n.put(field, true)));
        }
        for (String field : List.of("requestId", "clientId", "analysisType", "code")) {
            out.add(variant(field + " a number", false, n -> n.put(field, 7)));
            out.add(variant(field + " empty", false, n -> n.put(field, "")));
        }
        for (String field : OPTIONAL_STRINGS) {
            out.add(variant(field + " a string", true, n -> n.put(field, "x")));
            out.add(variant(field + " null", true, n -> n.putNull(field)));
            out.add(variant(field + " a number", false, n -> n.put(field, 3)));
            out.add(variant(field + " an object", false, n -> n.putObject(field)));
        }
        for (String type : List.of("security", "quality", "complexity", "explain")) {
            out.add(variant("analysisType " + type, true, n -> n.put("analysisType", type)));
        }
        for (String type : List.of("SECURITY", "Security", " security", "lint", "security ")) {
            out.add(variant("analysisType '" + type + "'", false, n -> n.put("analysisType", type)));
        }
        out.add(variant("schemaVersion 1.0", true, n -> n.put("schemaVersion", 1.0)));
        out.add(variant("schemaVersion 1.5", false, n -> n.put("schemaVersion", 1.5)));
        for (long version : List.of(0L, 2L, -1L, 4_294_967_297L, Long.MAX_VALUE)) {
            out.add(variant("schemaVersion " + version, false, n -> n.put("schemaVersion", version)));
        }
        out.add(variant("schemaVersion '1'", false, n -> n.put("schemaVersion", "1")));
        out.add(variant("schemaVersion huge", false, n -> n.put("schemaVersion",
                new java.math.BigInteger("99999999999999999999999"))));
        for (String id : List.of("a", "A-b-c-d", "x".repeat(64), "9team")) {
            out.add(variant("clientId '" + id + "'", true, n -> n.put("clientId", id)));
        }
        for (String id : List.of("x".repeat(65), "-team", "team/a", "team a", "team\n", "tëam", "team:a", ".", "team.a", "team_a")) {
            out.add(variant("clientId '" + id.replace("\n", "\\n") + "'", false, n -> n.put("clientId", id)));
        }
        for (String id : List.of("r", "req:1.2_3-4", "x".repeat(128))) {
            out.add(variant("requestId '" + id + "'", true, n -> n.put("requestId", id)));
        }
        for (String id : List.of("x".repeat(129), "_r", "req 1", "req/1", "req\n")) {
            out.add(variant("requestId '" + id.replace("\n", "\\n") + "'", false, n -> n.put("requestId", id)));
        }
        for (String code : List.of(" ", "\n\t ", "\r\n")) {
            out.add(variant("blank code", false, n -> n.put("code", code)));
        }
        out.add(variant("code one character", true, n -> n.put("code", "x")));
        out.add(variant("code at the limit", true, n -> n.put("code", "x".repeat(262_144))));
        out.add(variant("code over the limit", false, n -> n.put("code", "x".repeat(262_145))));
        for (String lane : List.of("interactive", "bulk")) {
            out.add(variant("lane " + lane, true, n -> n.put("lane", lane)));
        }
        out.add(variant("lane null", true, n -> n.putNull("lane")));
        out.add(variant("lane BULK", false, n -> n.put("lane", "BULK")));
        out.add(variant("lane 1", false, n -> n.put("lane", 1)));
        out.add(variant("stream true", true, n -> n.put("stream", true)));
        out.add(variant("stream null", true, n -> n.putNull("stream")));
        out.add(variant("stream 'true'", false, n -> n.put("stream", "true")));
        out.add(variant("stream 1", false, n -> n.put("stream", 1)));
        out.add(variant("options empty", true, n -> n.putObject("options")));
        out.add(variant("options null", true, n -> n.putNull("options")));
        out.add(variant("options scalars", true, n -> n.putObject("options").put("a", "x").put("b", 2)
                .put("c", true).put("d", 1.5)));
        out.add(variant("options an array", false, n -> n.putArray("options")));
        out.add(variant("options a string", false, n -> n.put("options", "a=b")));
        out.add(variant("option value null", false, n -> n.putObject("options").putNull("a")));
        out.add(variant("option value array", false, n -> n.putObject("options").putArray("a")));
        out.add(variant("option value object", false, n -> n.putObject("options").putObject("a")));
        for (String field : List.of("createdAt", "deadline")) {
            for (String instant : List.of("2026-11-30T10:15:00Z", "2026-11-30T10:15:00.140Z",
                    "2026-11-30T10:15:00+02:00")) {
                out.add(variant(field + " " + instant, true, n -> n.put(field, instant)));
            }
            for (String bad : List.of("yesterday", "2026-11-30", "2026-11-30 10:15:00Z", "2026-11-30T10:15:00")) {
                out.add(variant(field + " '" + bad + "'", false, n -> n.put(field, bad)));
            }
            out.add(variant(field + " a number", false, n -> n.put(field, 1_764_497_700_000L)));
            out.add(variant(field + " null", true, n -> n.putNull(field)));
        }
        out.add(variant("unknown fields", true, n -> {
            n.put("priority", "high");
            n.putObject("x-extension").put("a", 1);
        }));
        return out.stream();
    }

    private static Arguments variant(String name, boolean valid, Consumer<ObjectNode> change) {
        ObjectNode node = base();
        change.accept(node);
        return Arguments.of(name, valid, node);
    }

    @ParameterizedTest(name = "{0} -> valid={1}")
    @MethodSource("variants")
    void shouldAgreeWithTheSchema(String name, boolean valid, JsonNode request) {
        byte[] bytes = Json.write(request);

        boolean schemaAccepts = ContractSchemas.validate(JsonSchemas.ANALYSIS_REQUEST, request).isEmpty();
        Decoded decoded = decoder.decode(bytes);

        assertThat(schemaAccepts).as("schema accepts " + name).isEqualTo(valid);
        assertThat(decoded instanceof Decoded.Accepted).as("decoder accepts " + name + ": " + decoded)
                .isEqualTo(valid);
    }
}

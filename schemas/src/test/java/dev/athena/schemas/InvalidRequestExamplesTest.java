package dev.athena.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.validation.Decoded;
import dev.athena.schemas.validation.Rejection;
import dev.athena.schemas.validation.RejectionReason;
import dev.athena.schemas.validation.RequestDecoder;
import dev.athena.schemas.validation.RequestLimits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every invalid request example fails both the JSON Schema (when it is JSON at all) and the decoder, and the
 * decoder's rejection has the right reason and names the field.
 */
class InvalidRequestExamplesTest {
    /** What the decoder must say about each stored example: reason and field (null: the record as a whole). */
    private static final Map<String, Expected> EXPECTED = Map.ofEntries(
            Map.entry("missing-code.json", new Expected(RejectionReason.MISSING_FIELD, "code")),
            Map.entry("missing-client-id.json", new Expected(RejectionReason.MISSING_FIELD, "clientId")),
            Map.entry("missing-request-id.json", new Expected(RejectionReason.MISSING_FIELD, "requestId")),
            Map.entry("missing-analysis-type.json", new Expected(RejectionReason.MISSING_FIELD, "analysisType")),
            Map.entry("missing-schema-version.json", new Expected(RejectionReason.MISSING_FIELD, "schemaVersion")),
            Map.entry("null-code.json", new Expected(RejectionReason.MISSING_FIELD, "code")),
            Map.entry("wrong-type-code.json", new Expected(RejectionReason.INVALID_FIELD, "code")),
            Map.entry("wrong-type-stream.json", new Expected(RejectionReason.INVALID_FIELD, "stream")),
            Map.entry("wrong-type-options.json", new Expected(RejectionReason.INVALID_FIELD, "options")),
            Map.entry("wrong-type-option-value.json", new Expected(RejectionReason.INVALID_FIELD, "options.depth")),
            Map.entry("unknown-analysis-type.json", new Expected(RejectionReason.UNKNOWN_ANALYSIS_TYPE,
                    "analysisType")),
            Map.entry("upper-case-analysis-type.json", new Expected(RejectionReason.UNKNOWN_ANALYSIS_TYPE,
                    "analysisType")),
            Map.entry("empty-code.json", new Expected(RejectionReason.EMPTY_CODE, "code")),
            Map.entry("blank-code.json", new Expected(RejectionReason.EMPTY_CODE, "code")),
            Map.entry("bad-schema-version.json", new Expected(RejectionReason.UNSUPPORTED_SCHEMA_VERSION,
                    "schemaVersion")),
            Map.entry("schema-version-string.json", new Expected(RejectionReason.INVALID_FIELD, "schemaVersion")),
            Map.entry("non-object.json", new Expected(RejectionReason.INVALID_JSON, null)),
            Map.entry("non-object-string.json", new Expected(RejectionReason.INVALID_JSON, null)),
            Map.entry("malformed.json", new Expected(RejectionReason.INVALID_JSON, null)),
            Map.entry("malformed-quotes.json", new Expected(RejectionReason.INVALID_JSON, null)),
            Map.entry("bad-client-id.json", new Expected(RejectionReason.INVALID_FIELD, "clientId")),
            Map.entry("bad-request-id.json", new Expected(RejectionReason.INVALID_FIELD, "requestId")),
            Map.entry("bad-lane.json", new Expected(RejectionReason.INVALID_FIELD, "lane")),
            Map.entry("too-long-model.json", new Expected(RejectionReason.INVALID_FIELD, "model")),
            Map.entry("bad-created-at.json", new Expected(RejectionReason.INVALID_FIELD, "createdAt")));

    private final RequestDecoder decoder = RequestDecoder.ofDefaults();

    record Expected(RejectionReason reason, String field) {
    }

    static Stream<Arguments> invalidExamples() {
        return Examples.invalid().stream().map(p -> Arguments.of(p.getFileName().toString(), p));
    }

    @Test
    void shouldStateTheExpectedRejectionOfEveryStoredExample() {
        assertThat(Examples.invalid().stream().map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExamples")
    void shouldBeRejectedByTheDecoderNamingTheField(String name, Path example) {
        Expected expected = EXPECTED.get(name);

        Rejection rejection = rejectionOf(decoder.decode(Examples.bytes(example)));

        assertThat(rejection.reason()).as(name).isEqualTo(expected.reason());
        assertThat(rejection.field()).as(name).isEqualTo(expected.field());
        if (expected.field() != null) {
            assertThat(rejection.message()).as(name).contains(expected.field());
        } else {
            assertThat(rejection.message()).as(name).containsIgnoringCase("JSON");
        }
        assertThat(rejection.toError().code()).isEqualTo(expected.reason().name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExamples")
    void shouldFailTheSchemaToo(String name, Path example) {
        if (EXPECTED.get(name).reason() == RejectionReason.INVALID_JSON && name.startsWith("malformed")) {
            // Not JSON at all: no schema can be applied; a JSON parser refuses it, which is the point.
            assertThat(rejectionOf(decoder.decode(Examples.bytes(example))).message()).contains("not valid JSON");
            return;
        }
        JsonNode instance = dev.athena.schemas.json.Json.tree(Examples.bytes(example));

        var errors = ContractSchemas.validate(JsonSchemas.ANALYSIS_REQUEST, instance);

        assertThat(errors).as(name).isNotEmpty();
        String field = EXPECTED.get(name).field();
        if (field != null) {
            // The schema's complaint points at the same field (as a property or as a missing required one).
            String top = field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
            assertThat(errors).as(name).anySatisfy(e -> assertThat(e.getInstanceLocation() + " " + e.getProperty()
                    + " " + e.getMessage()).contains(top));
        }
    }

    @Test
    void shouldKeepTheIdsOfARejectedRequestSoTheClientCanBeTold() {
        Rejection rejection = rejectionOf(decoder.decode(Examples.bytes(Examples.invalid("empty-code.json"))));

        assertThat(rejection.requestId()).isEqualTo("req-bad");
        assertThat(rejection.clientId()).isEqualTo("team-a");
        assertThat(rejection.clientKnown()).isTrue();
    }

    @Test
    void shouldNotKeepAnIdThatIsItselfInvalid() {
        Rejection badClient = rejectionOf(decoder.decode(Examples.bytes(Examples.invalid("bad-client-id.json"))));
        Rejection missingClient = rejectionOf(decoder.decode(
                Examples.bytes(Examples.invalid("missing-client-id.json"))));
        Rejection malformed = rejectionOf(decoder.decode(Examples.bytes(Examples.invalid("malformed.json"))));

        assertThat(badClient.requestId()).isEqualTo("req-bad");
        assertThat(badClient.clientId()).isNull();
        assertThat(badClient.clientKnown()).isFalse();
        assertThat(missingClient.requestId()).isEqualTo("req-bad");
        assertThat(missingClient.clientKnown()).isFalse();
        assertThat(malformed.requestId()).isNull();
        assertThat(malformed.clientId()).isNull();
    }

    @Test
    void shouldRejectOversizeCodeByItsUtf8Size() {
        ObjectNode request = validRequest();
        request.put("code", "x".repeat(300 * 1024));
        byte[] bytes = dev.athena.schemas.json.Json.write(request);

        Rejection rejection = rejectionOf(decoder.decode(bytes));

        assertThat(rejection.reason()).isEqualTo(RejectionReason.CODE_TOO_LARGE);
        assertThat(rejection.field()).isEqualTo("code");
        assertThat(rejection.message()).contains("'code'").contains("307200 bytes").contains("262144 bytes");
        assertThat(rejection.clientKnown()).isTrue();
        assertThat(ContractSchemas.validate(JsonSchemas.ANALYSIS_REQUEST, request)).isNotEmpty();
    }

    @Test
    void shouldCountBytesNotCharactersForTheCodeLimit() {
        // 100 three-byte characters: 100 characters, 300 bytes, over a 200-byte limit.
        ObjectNode request = validRequest();
        request.put("code", "€".repeat(100));

        Rejection rejection = rejectionOf(new RequestDecoder(new RequestLimits(200))
                .decode(dev.athena.schemas.json.Json.write(request)));

        assertThat(rejection.reason()).isEqualTo(RejectionReason.CODE_TOO_LARGE);
        assertThat(rejection.message()).contains("300 bytes").contains("200 bytes");
    }

    @Test
    void shouldRejectInvalidUtf8WithTheOffsetOfTheBadByte() {
        byte[] prefix = ("{\"schemaVersion\":1,\"requestId\":\"r-utf8\",\"clientId\":\"team-a\","
                + "\"analysisType\":\"security\",\"code\":\"").getBytes(StandardCharsets.UTF_8);
        var out = new ByteArrayOutputStream();
        out.writeBytes(prefix);
        out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28}); // a 2-byte lead followed by a non-continuation
        out.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));

        Rejection rejection = rejectionOf(decoder.decode(out.toByteArray()));

        assertThat(rejection.reason()).isEqualTo(RejectionReason.INVALID_UTF8);
        assertThat(rejection.message()).contains("UTF-8").contains("offset " + prefix.length);
        assertThat(rejection.requestId()).isNull();
    }

    @Test
    void shouldRejectLoneContinuationAndOverlongUtf8() {
        for (byte[] bad : List.of(new byte[] {'{', (byte) 0x80, '}'}, new byte[] {'{', (byte) 0xC0, (byte) 0xAF, '}'},
                new byte[] {'{', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '}'})) {
            assertThat(rejectionOf(decoder.decode(bad)).reason()).isEqualTo(RejectionReason.INVALID_UTF8);
        }
    }

    @Test
    void shouldRejectEmptyAndNullRecordsAsInvalidJson() {
        assertThat(rejectionOf(decoder.decode(new byte[0])).reason()).isEqualTo(RejectionReason.INVALID_JSON);
        assertThat(rejectionOf(decoder.decode(null)).message()).contains("empty");
        assertThat(rejectionOf(decoder.decode("null".getBytes(StandardCharsets.UTF_8))).message())
                .contains("JSON object");
        assertThat(rejectionOf(decoder.decode("  \n".getBytes(StandardCharsets.UTF_8))).reason())
                .isEqualTo(RejectionReason.INVALID_JSON);
    }

    static ObjectNode validRequest() {
        ObjectNode node = dev.athena.schemas.json.Json.mapper().createObjectNode();
        node.put("schemaVersion", 1);
        node.put("requestId", "req-1");
        node.put("clientId", "team-a");
        node.put("analysisType", "security");
        node.put("code", "eval(input())\n");
        return node;
    }

    static Rejection rejectionOf(Decoded decoded) {
        assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
        return ((Decoded.Rejected) decoded).rejection();
    }
}

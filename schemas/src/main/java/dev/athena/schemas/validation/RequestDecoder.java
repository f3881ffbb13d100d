package dev.athena.schemas.validation;

import static dev.athena.schemas.validation.RequestLimits.MAX_PROVIDER_OR_MODEL_LENGTH;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.Topics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.HashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Turns the raw bytes of a request record into an {@link AnalysisRequest}, or a {@link Rejection} that names
 * the field at fault. It mirrors {@code schemas/analysis-request.schema.json} and adds what a schema cannot say
 * (UTF-8 validity, the code size limit in bytes). It never throws on bad input.
 */
public final class RequestDecoder {
    /** Provider and model names: they make up routes and cache keys. */
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final RequestLimits limits;

    public RequestDecoder(RequestLimits limits) {
        this.limits = limits;
    }

    public static RequestDecoder ofDefaults() {
        return new RequestDecoder(RequestLimits.ofDefaults());
    }

    public Decoded decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return reject(RejectionReason.INVALID_JSON, null, "request is empty: expected a JSON object", null, null);
        }
        int badByte = Utf8.firstInvalid(bytes);
        if (badByte >= 0) {
            return reject(RejectionReason.INVALID_UTF8, null,
                    "request is not valid UTF-8 (bad byte at offset " + badByte + ")", null, null);
        }
        Members fields = FastFields.read(bytes);
        if (fields == null) {
            Map<String, JsonNode> general = topLevelFields(bytes);
            if (general == null) {
                return decodeOddly(bytes);
            }
            fields = Members.of(general);
        }
        return withinRecordLimit(new Fields(fields, bytes.length).decode(), bytes.length);
    }

    /**
     * Checked once the request reads well, so the rejection can name its requester, and so a record that breaks
     * a field's rule as well is told about the field.
     */
    private Decoded withinRecordLimit(Decoded decoded, int recordBytes) {
        if (recordBytes <= limits.maxRequestBytes() || !(decoded instanceof Decoded.Accepted accepted)) {
            return decoded;
        }
        return reject(RejectionReason.REQUEST_TOO_LARGE, null, "request is " + recordBytes + " bytes, over the "
                + "limit of " + limits.maxRequestBytes() + " bytes for a whole record (fields besides 'code' may "
                + "take " + RequestLimits.ROOM_FOR_OTHER_FIELDS + " bytes)", accepted.request().requestId(),
                accepted.request().clientId());
    }

    /**
     * The members of the one JSON object the bytes hold, for records {@link FastFields} declines, read as a
     * token stream: strings, booleans and nulls become nodes directly, and only numbers, objects and arrays go
     * through the tree reader. Null when the bytes are anything else (not JSON, not an object, content after
     * it): {@link #decodeOddly} then words the error exactly as the tree reader does. The same member twice keeps
     * the last, as the tree reader does.
     */
    static Map<String, JsonNode> topLevelFields(byte[] bytes) {
        try (JsonParser parser = Json.mapper().createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Map<String, JsonNode> fields = new HashMap<>(32);
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonNode value = switch (parser.nextToken()) {
                    case VALUE_STRING -> NODES.stringNode(parser.getString());
                    case VALUE_TRUE -> NODES.booleanNode(true);
                    case VALUE_FALSE -> NODES.booleanNode(false);
                    case VALUE_NULL -> NODES.nullNode();
                    case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                        case INT -> NODES.numberNode(parser.getIntValue());
                        case LONG -> NODES.numberNode(parser.getLongValue());
                        default -> NODES.numberNode(parser.getBigIntegerValue());
                    };
                    case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
                    default -> Json.mapper().readTree(parser);
                };
                fields.put(name, value);
            }
            return token == JsonToken.END_OBJECT && parser.nextToken() == null ? fields : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** The rare request that is not one well-formed JSON object, through the tree reader for its wording. */
    private Decoded decodeOddly(byte[] bytes) {
        JsonNode root;
        try {
            root = Json.tree(bytes);
        } catch (JsonContractException e) {
            return reject(RejectionReason.INVALID_JSON, null, "request is " + e.getMessage(), null, null);
        }
        if (root == null || !root.isObject()) {
            return reject(RejectionReason.INVALID_JSON, null, "request must be a JSON object", null, null);
        }
        Map<String, JsonNode> fields = new HashMap<>();
        root.properties().forEach(member -> fields.put(member.getKey(), member.getValue()));
        return withinRecordLimit(new Fields(Members.of(fields), bytes.length).decode(), bytes.length);
    }

    private static Decoded reject(RejectionReason reason, String field, String message, String requestId,
            String clientId) {
        return new Decoded.Rejected(new Rejection(reason, field, message, requestId, clientId));
    }

    /** One decoding pass; remembers the ids read so far so a rejection can still reach the client. */
    private final class Fields {
        private final Members root;
        private final int recordBytes;
        private String requestId;
        private String clientId;

        Fields(Members root, int recordBytes) {
            this.root = root;
            this.recordBytes = recordBytes;
            this.requestId = peekString(Members.REQUEST_ID, IdSyntax::isRequestId);
            this.clientId = peekString(Members.CLIENT_ID, IdSyntax::isClientId);
        }

        Decoded decode() {
            try {
                return new Decoded.Accepted(build(), root.codeUtf8());
            } catch (FieldException e) {
                return reject(e.reason, e.field, e.getMessage(), requestId, clientId);
            }
        }

        private AnalysisRequest build() {
            JsonNode version = required(Members.SCHEMA_VERSION);
            // JSON Schema counts 1.0 as the integer 1, and some producers (Python floats) write it so.
            if (!version.isIntegralNumber() && !(version.isNumber() && version.canConvertToExactIntegral())) {
                throw invalid("schemaVersion", "field 'schemaVersion' must be an integer but was " + kind(version));
            }
            // canConvertToInt first: asInt() throws on values beyond int, and decode must never throw.
            if (!version.canConvertToInt() || version.asInt() != SchemaVersion.CURRENT) {
                throw new FieldException(RejectionReason.UNSUPPORTED_SCHEMA_VERSION, "schemaVersion",
                        "unsupported schemaVersion " + abbreviate(version.asString()) + " (supported: "
                        + SchemaVersion.CURRENT + ")");
            }
            String reqId = requiredString(Members.REQUEST_ID);
            if (!IdSyntax.isRequestId(reqId)) {
                throw invalid("requestId", "field 'requestId' must be 1-128 characters of letters, digits and ._:- "
                        + "but was '" + abbreviate(reqId) + "'");
            }
            String client = requiredString(Members.CLIENT_ID);
            if (!IdSyntax.isClientId(client)) {
                throw invalid("clientId", "field 'clientId' must match " + Topics.CLIENT_ID.pattern() + " but was '"
                        + abbreviate(client) + "'");
            }
            String typeName = requiredString(Members.ANALYSIS_TYPE);
            AnalysisType type = AnalysisType.fromWire(typeName).orElseThrow(() -> new FieldException(
                    RejectionReason.UNKNOWN_ANALYSIS_TYPE, "analysisType", "unknown analysisType '"
                    + abbreviate(typeName) + "' (expected one of " + AnalysisType.wireNames() + ")"));
            String code = requiredString(Members.CODE);
            if (code.isBlank()) {
                throw new FieldException(RejectionReason.EMPTY_CODE, "code", "field 'code' must not be empty");
            }
            // A character never takes more bytes in UTF-8 than in the JSON that carried it (escapes only
            // lengthen), so code in a record within the limit is within it too: only larger records are counted,
            // as counting char by char was a third of the collector's time on requests of 16 KB.
            if (recordBytes > limits.maxCodeBytes()) {
                long codeBytes = Utf8.encodedLength(code);
                if (codeBytes > limits.maxCodeBytes()) {
                    throw new FieldException(RejectionReason.CODE_TOO_LARGE, "code", "field 'code' is " + codeBytes
                            + " bytes, over the limit of " + limits.maxCodeBytes() + " bytes");
                }
            }
            String laneName = optionalString(Members.LANE);
            Lane lane = laneName == null ? Lane.INTERACTIVE : Lane.fromWire(laneName).orElseThrow(
                    () -> invalid("lane", "field 'lane' must be interactive or bulk but was '"
                            + abbreviate(laneName) + "'"));
            return new AnalysisRequest(SchemaVersion.CURRENT, reqId, client, type, optionalString(Members.LANGUAGE),
                    optionalString(Members.PATH), code, shortString(Members.PROVIDER, MAX_PROVIDER_OR_MODEL_LENGTH),
                    shortString(Members.MODEL, MAX_PROVIDER_OR_MODEL_LENGTH), lane, options(),
                    optionalInstant(Members.DEADLINE), optionalBoolean(Members.STREAM),
                    optionalInstant(Members.CREATED_AT), shortString(Members.REPLY_TO, Topics.MAX_NAME_LENGTH));
        }

        private JsonNode required(int member) {
            JsonNode node = root.known(member);
            String field = Members.KNOWN[member];
            if (node == null || node.isNull()) {
                throw new FieldException(RejectionReason.MISSING_FIELD, field, "missing required field '" + field + "'");
            }
            return node;
        }

        private String requiredString(int member) {
            JsonNode node = required(member);
            String field = Members.KNOWN[member];
            if (!node.isString()) {
                throw invalid(field, "field '" + field + "' must be a string but was " + kind(node));
            }
            return node.stringValue();
        }

        private String optionalString(int member) {
            JsonNode node = root.known(member);
            String field = Members.KNOWN[member];
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isString()) {
                throw invalid(field, "field '" + field + "' must be a string but was " + kind(node));
            }
            return node.stringValue();
        }

        /** Fields that end up in keys, topic names and cache keys. */
        private String shortString(int member, int maxLength) {
            String value = optionalString(member);
            String field = Members.KNOWN[member];
            if (value != null && value.length() > maxLength) {
                throw invalid(field, "field '" + field + "' must be at most " + maxLength + " characters but was "
                        + value.length() + " ('" + abbreviate(value) + "')");
            }
            return value;
        }

        private Boolean optionalBoolean(int member) {
            JsonNode node = root.known(member);
            String field = Members.KNOWN[member];
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isBoolean()) {
                throw invalid(field, "field '" + field + "' must be true or false but was " + kind(node));
            }
            return node.booleanValue();
        }

        private Instant optionalInstant(int member) {
            String text = optionalString(member);
            String field = Members.KNOWN[member];
            if (text == null) {
                return null;
            }
            try {
                return Instants.parse(text);
            } catch (DateTimeParseException e) {
                throw invalid(field, "field '" + field + "' must be an ISO-8601 instant such as "
                        + "2026-11-30T10:15:00Z but was '" + abbreviate(text) + "'");
            }
        }

        private Map<String, String> options() {
            JsonNode node = root.known(Members.OPTIONS);
            if (node == null || node.isNull()) {
                return Map.of();
            }
            if (!node.isObject()) {
                throw invalid("options", "field 'options' must be an object but was " + kind(node));
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (var entry : node.properties()) {
                JsonNode value = entry.getValue();
                if (!value.isValueNode() || value.isNull()) {
                    throw invalid("options." + entry.getKey(), "field 'options." + entry.getKey()
                            + "' must be a string, number or boolean but was " + kind(value));
                }
                out.put(entry.getKey(), value.asString());
            }
            return out;
        }

        private String peekString(int member, Predicate<String> valid) {
            JsonNode node = root.known(member);
            if (node == null || !node.isString()) {
                return null;
            }
            String value = node.stringValue();
            return valid.test(value) ? value : null;
        }

        private FieldException invalid(String field, String message) {
            return new FieldException(RejectionReason.INVALID_FIELD, field, message);
        }
    }

    private static String kind(JsonNode node) {
        if (node.isString()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "null";
    }

    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 61) + "...";
    }

    /** Control flow inside one decode; never escapes, so no stack trace is taken. */
    private static final class FieldException extends RuntimeException {
        private final RejectionReason reason;
        private final String field;

        FieldException(RejectionReason reason, String field, String message) {
            super(message, null, false, false);
            this.reason = reason;
            this.field = field;
        }
    }
}

package dev.athena.schemas.cancel;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.message.AnalysisCancellation;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.validation.IdSyntax;
import dev.athena.schemas.validation.Rejection;
import dev.athena.schemas.validation.RejectionReason;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * Reads an {@link AnalysisCancellation} as any Kafka client may have written it, and says what is wrong with one
 * that breaks the contract ({@code analysis-cancellation.schema.json}) in the words a rejected request gets.
 */
public final class CancellationDecoder {
    /** Far more than a cancellation needs; a larger record is not read at all. */
    public static final int MAX_BYTES = 4096;

    private CancellationDecoder() {
    }

    /** What a record turned out to be. */
    public sealed interface Decoded {
    }

    public record Accepted(AnalysisCancellation cancellation) implements Decoded {
    }

    /** {@code rejection} names the field and the rule it broke; its ids are whatever could be read. */
    public record Refused(Rejection rejection) implements Decoded {
    }

    public static Decoded decode(byte[] value) {
        if (value == null || value.length == 0) {
            return refused(RejectionReason.INVALID_JSON, null, "the record has no value: expected a JSON object",
                    null, null);
        }
        if (value.length > MAX_BYTES) {
            return refused(RejectionReason.REQUEST_TOO_LARGE, null, "a cancellation takes at most " + MAX_BYTES
                    + " bytes but the record has " + value.length, null, null);
        }
        JsonNode tree;
        try {
            tree = Json.tree(value);
        } catch (JsonContractException e) {
            return refused(RejectionReason.INVALID_JSON, null, e.getMessage(), null, null);
        }
        if (tree == null || !tree.isObject()) {
            return refused(RejectionReason.INVALID_JSON, null, "expected a JSON object", null, null);
        }
        String requestId = wellFormed(tree, "requestId", IdSyntax::isRequestId);
        String clientId = wellFormed(tree, "clientId", IdSyntax::isClientId);
        JsonNode version = tree.get("schemaVersion");
        if (version == null || version.isNull()) {
            return refused(RejectionReason.MISSING_FIELD, "schemaVersion", "missing required field 'schemaVersion'",
                    requestId, clientId);
        }
        if (!version.isNumber() || version.asDouble() != SchemaVersion.CURRENT) {
            return refused(RejectionReason.UNSUPPORTED_SCHEMA_VERSION, "schemaVersion", "field 'schemaVersion' must "
                    + "be " + SchemaVersion.CURRENT + " but was " + version, requestId, clientId);
        }
        if (requestId == null) {
            return badId(tree, "requestId", "1-128 letters, digits or '._:-', starting with a letter or digit",
                    null, clientId);
        }
        if (clientId == null) {
            return badId(tree, "clientId", "1-64 letters, digits or '-', starting with a letter or digit",
                    requestId, null);
        }
        return new Accepted(AnalysisCancellation.of(clientId, requestId));
    }

    /** Why a field that is no well-formed id was refused: it is missing, or breaks {@code rule}. */
    private static Refused badId(JsonNode tree, String field, String rule, String requestId, String clientId) {
        JsonNode node = tree.get(field);
        if (node == null || node.isNull()) {
            return refused(RejectionReason.MISSING_FIELD, field, "missing required field '" + field + "'", requestId,
                    clientId);
        }
        return refused(RejectionReason.INVALID_FIELD, field, "field '" + field + "' must be " + rule + " but was "
                + abbreviated(node.toString()), requestId, clientId);
    }

    /** A field's text when it is a well-formed id (checked once), so a refusal can still name whose it was. */
    private static String wellFormed(JsonNode tree, String field, Predicate<String> syntax) {
        JsonNode node = tree.get(field);
        return node != null && node.isString() && syntax.test(node.asString()) ? node.asString() : null;
    }

    private static String abbreviated(String json) {
        return json.length() <= 80 ? json : json.substring(0, 77) + "...";
    }

    private static Refused refused(RejectionReason reason, String field, String message, String requestId,
            String clientId) {
        return new Refused(new Rejection(reason, field, message, requestId, clientId));
    }
}

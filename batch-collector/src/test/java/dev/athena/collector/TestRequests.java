package dev.athena.collector;

import dev.athena.schemas.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Request bodies as any producer would write them: plain JSON maps, so tests can also break them. */
final class TestRequests {
    private TestRequests() {
    }

    static Map<String, Object> fields(String requestId, String clientId, String code) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("schemaVersion", 1);
        fields.put("requestId", requestId);
        fields.put("clientId", clientId);
        fields.put("analysisType", "security");
        fields.put("language", "python");
        fields.put("path", "app/db.py");
        fields.put("code", code);
        fields.put("lane", "interactive");
        fields.put("createdAt", "2026-11-30T10:15:00Z");
        return fields;
    }

    static byte[] json(Map<String, Object> fields) {
        return Json.write(fields);
    }

    static byte[] request(String requestId, String clientId, String code) {
        return json(fields(requestId, clientId, code));
    }

    /** A request that must be answered by {@code deadline} (ISO-8601). */
    static byte[] requestDueBy(String requestId, String clientId, String code, String deadline) {
        Map<String, Object> fields = fields(requestId, clientId, code);
        fields.put("deadline", deadline);
        return json(fields);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

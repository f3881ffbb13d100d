package dev.athena.collector;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The bad requests {@link BenchInput} mixes in, one of each kind of bad input admission turns away (beside a code
 * too large, whose quarter of a megabyte would make a benchmark of its bytes). Each is a small good request spoiled
 * in one way, under the request id and client of the request it replaces, and each must end as one dead letter
 * with this reason, and one REJECTED result where the client can be read ({@link #clientReadable}).
 */
enum BadRequest {
    INVALID_JSON(json -> utf8(json.substring(0, json.length() / 2))),
    INVALID_UTF8(json -> {
        int code = json.indexOf("print(1)");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(json.substring(0, code)));
        out.write(0xC3); // a lead byte followed by no continuation byte
        out.write('(');
        out.writeBytes(utf8(json.substring(code)));
        return out.toByteArray();
    }),
    INVALID_FIELD(json -> utf8(json.replace("\"lane\":\"interactive\"", "\"lane\":7"))),
    MISSING_FIELD(json -> utf8(json.replace("\"code\":\"print(1)\",", ""))),
    UNKNOWN_ANALYSIS_TYPE(json -> utf8(json.replace("\"security\"", "\"astrology\""))),
    EMPTY_CODE(json -> utf8(json.replace("\"print(1)\"", "\"\""))),
    DEADLINE_PASSED(json -> utf8(json.replace("}", ",\"deadline\":\"2020-01-01T00:00:00Z\"}")));

    private final Function<String, byte[]> spoil;

    BadRequest(Function<String, byte[]> spoil) {
        this.spoil = spoil;
    }

    /** The record value of this bad request. */
    byte[] body(String requestId, String client) {
        return spoil.apply("{\"schemaVersion\":1,\"requestId\":\"" + requestId + "\",\"clientId\":\"" + client
                + "\",\"analysisType\":\"security\",\"language\":\"python\",\"path\":\"src/bad.py\",\"code\":"
                + "\"print(1)\",\"lane\":\"interactive\",\"createdAt\":\"2026-11-30T10:15:00Z\"}");
    }

    /**
     * Whether admission can read the client from the body and send it a REJECTED result: not from a record that is
     * not JSON or not UTF-8 (without the client header, which the benchmark's producer does not set).
     */
    boolean clientReadable() {
        return this != INVALID_JSON && this != INVALID_UTF8;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

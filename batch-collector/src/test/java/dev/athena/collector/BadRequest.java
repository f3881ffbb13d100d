package dev.athena.collector;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bad requests {@link BenchInput} mixes in, one of each kind of bad input admission turns away (beside a code
 * too large, whose quarter of a megabyte would make a benchmark of its bytes). Each is the benchmark's small
 * request spoiled in one way, under the request id and client of the request it replaces, and each must end as one
 * dead letter with this reason, and one REJECTED result where the client can be read ({@link #clientReadable}).
 */
enum BadRequest {
    INVALID_JSON {
        @Override
        byte[] body(String requestId, String client) {
            String whole = json(requestId, client, "\"print(1)\"", "");
            return utf8(whole.substring(0, whole.length() / 2));
        }
    },
    INVALID_UTF8 {
        @Override
        byte[] body(String requestId, String client) {
            String whole = json(requestId, client, "\"print('MARK')\"", "");
            int mark = whole.indexOf("MARK");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(utf8(whole.substring(0, mark)));
            out.write(0xC3); // a lead byte followed by no continuation byte
            out.write('(');
            out.writeBytes(utf8(whole.substring(mark + "MARK".length())));
            return out.toByteArray();
        }
    },
    INVALID_FIELD {
        @Override
        byte[] body(String requestId, String client) {
            return utf8(json(requestId, client, "\"print(1)\"", "").replace("\"lane\":\"interactive\"", "\"lane\":7"));
        }
    },
    MISSING_FIELD {
        @Override
        byte[] body(String requestId, String client) {
            return utf8(json(requestId, client, "\"print(1)\"", "").replace("\"code\":\"print(1)\",", ""));
        }
    },
    UNKNOWN_ANALYSIS_TYPE {
        @Override
        byte[] body(String requestId, String client) {
            return utf8(json(requestId, client, "\"print(1)\"", "").replace("\"security\"", "\"astrology\""));
        }
    },
    EMPTY_CODE {
        @Override
        byte[] body(String requestId, String client) {
            return utf8(json(requestId, client, "\"\"", ""));
        }
    },
    DEADLINE_PASSED {
        @Override
        byte[] body(String requestId, String client) {
            return utf8(json(requestId, client, "\"print(1)\"", ",\"deadline\":\"2020-01-01T00:00:00Z\""));
        }
    };

    /** The record value of this bad request. */
    abstract byte[] body(String requestId, String client);

    /**
     * Whether admission can read the client from the body and send it a REJECTED result: not from a record that is
     * not JSON or not UTF-8 (without the client header, which the benchmark's producer does not set).
     */
    boolean clientReadable() {
        return this != INVALID_JSON && this != INVALID_UTF8;
    }

    private static String json(String requestId, String client, String code, String more) {
        return "{\"schemaVersion\":1,\"requestId\":\"" + requestId + "\",\"clientId\":\"" + client
                + "\",\"analysisType\":\"security\",\"language\":\"python\",\"path\":\"src/bad.py\",\"code\":"
                + code + ",\"lane\":\"interactive\",\"createdAt\":\"2026-11-30T10:15:00Z\"" + more + "}";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

package dev.athena.ingest.gateway.analysis;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** W3C trace context: keep the caller's trace id with a new span, or start a trace. */
final class Traceparent {
    private static final Pattern VALID = Pattern.compile("00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})");

    private Traceparent() {
    }

    static String continueOrStart(String incoming) {
        String spanId = randomHex(8);
        if (incoming != null) {
            var m = VALID.matcher(incoming.strip());
            if (m.matches() && !m.group(1).equals("0".repeat(32))) {
                return "00-" + m.group(1) + "-" + spanId + "-" + m.group(2);
            }
        }
        return "00-" + randomHex(16) + "-" + spanId + "-01";
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

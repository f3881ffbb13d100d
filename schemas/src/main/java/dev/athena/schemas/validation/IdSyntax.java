package dev.athena.schemas.validation;

/**
 * The request id and client id rules ({@code [A-Za-z0-9][A-Za-z0-9_.:-]{0,127}} and
 * {@link dev.athena.schemas.topic.Topics#CLIENT_ID}) as plain loops: admission checks both on every record, and
 * the regular expressions were a tenth of decoding.
 */
public final class IdSyntax {
    private IdSyntax() {
    }

    public static boolean isRequestId(String value) {
        return matches(value, 128, true);
    }

    /** No dot and no underscore: see {@link dev.athena.schemas.topic.Topics#CLIENT_ID}. */
    public static boolean isClientId(String value) {
        return matches(value, 64, false);
    }

    private static boolean matches(String value, int maxLength, boolean requestId) {
        int n = value.length();
        if (n == 0 || n > maxLength || !alphanumeric(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = value.charAt(i);
            if (!alphanumeric(c) && c != '-' && !(requestId && (c == '_' || c == '.' || c == ':'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean alphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}

package dev.athena.splitter.store;

/**
 * JSON text made storable as {@code jsonb}. PostgreSQL refuses the escape <code>&#92;u0000</code> in jsonb (it cannot be
 * turned into text), and Jackson writes a NUL character in any string that way; a model answer or a hand-made
 * record may carry one. Each NUL becomes U+FFFD, the Unicode replacement character, so the result is stored
 * with that one character changed instead of never.
 */
final class JsonText {
    private static final String NUL_ESCAPE = "u0000";
    private static final String REPLACEMENT_ESCAPE = "uFFFD";
    private static final char REPLACEMENT = 0xFFFD;

    private JsonText() {
    }

    /** Replaces every escaped (and any raw) NUL; an escaped backslash followed by {@code u0000} is left alone. */
    static String withoutNul(String json) {
        if (json.indexOf("\\" + NUL_ESCAPE) < 0 && json.indexOf('\0') < 0) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length());
        int i = 0;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (c == '\\' && i + 1 < json.length()) {
                // copying each escape whole keeps an escaped backslash followed by u0000 intact
                if (json.startsWith(NUL_ESCAPE, i + 1)) {
                    out.append('\\').append(REPLACEMENT_ESCAPE);
                    i += 1 + NUL_ESCAPE.length();
                } else {
                    out.append(c).append(json.charAt(i + 1));
                    i += 2;
                }
            } else {
                out.append(c == '\0' ? REPLACEMENT : c);
                i++;
            }
        }
        return out.toString();
    }
}

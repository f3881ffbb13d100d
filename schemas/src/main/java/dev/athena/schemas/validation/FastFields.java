package dev.athena.schemas.validation;

import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The members of a request's JSON object, read straight from its bytes when the request has the usual shape:
 * one object whose members are strings, integers, booleans or nulls. Anything else (a nested object or array, a
 * fraction or exponent, a byte-order mark, a {@code \\u} escape of a surrogate, a syntax error, very long names
 * or strings) gives null, and the caller reads the record the general way. So this may decline what is valid,
 * but never accepts what the general reader refuses, and what it reads is what the general reader would read
 * ({@code FastFieldsTest} checks both against it).
 *
 * <p>Design notes: the code string is most of a request, and the generic parser built it char by char through
 * a char buffer and then compressed it into a String: a quarter of the collector's stream thread on real source
 * files. Here strings are scanned and copied eight bytes at a time up to the next quote, backslash or control
 * character, and the JDK makes the String from UTF-8 bytes with its vectorised decoder. Source code has an
 * escape every 30 bytes or so (line breaks, quotes), and each costs a branch the CPU mispredicts, so this is
 * only about a fifth faster than the generic parser on source files; on small requests it also saves setting
 * up a parser.
 * The bytes must already be valid UTF-8 ({@link Utf8#firstInvalid}), so that decoder never meets a malformed
 * sequence. Not thread-safe: one instance per call.
 */
final class FastFields {
    /** Far below the general reader's own limits on names and strings, so it refuses nothing this accepts. */
    static final int MAX_NAME_BYTES = 256;
    static final int MAX_STRING_BYTES = 1 << 20;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final VarHandle LONGS = Utf8.LONGS;
    private static final long HIGHS = Utf8.HIGH_BITS;
    private static final long ONES = 0x0101010101010101L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    private static final long SPACES = ONES * 0x20;
    private static final int MAX_INT_DIGITS = 18;

    private final byte[] bytes;
    private int pos;
    /** Where the UTF-8 bytes of the last string read lie: in the record when it had no escapes, else a copy. */
    private byte[] textBytes;
    private int textOffset;
    private int textLength;

    private FastFields(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The members by name (the same name twice keeps the last), or null when the general reader must decide. */
    static Members read(byte[] bytes) {
        return new FastFields(bytes).object();
    }

    private Members object() {
        skipWhitespace();
        if (!consume('{')) {
            return null;
        }
        Members fields = new Members();
        skipWhitespace();
        if (!consume('}')) {
            while (true) {
                if (pos >= bytes.length || bytes[pos] != '"') {
                    return null;
                }
                int start = pos + 1;
                int end = special(start);
                if (end < 0 || end - start > MAX_NAME_BYTES) {
                    return null;
                }
                // a known name written plainly is found by its bytes; only other names become Strings
                int known = bytes[end] == '"' ? Members.indexOf(bytes, start, end - start) : -1;
                String name = null;
                if (known >= 0) {
                    pos = end + 1;
                } else {
                    name = string(MAX_NAME_BYTES);
                    if (name == null) {
                        return null;
                    }
                    known = Members.indexOf(name);
                }
                skipWhitespace();
                if (!consume(':')) {
                    return null;
                }
                skipWhitespace();
                JsonNode value = value();
                if (value == null) {
                    return null;
                }
                if (known >= 0) {
                    fields.putKnown(known, value);
                    if (known == Members.CODE) {
                        fields.codeUtf8(value.isString() ? new Decoded.CodeUtf8(textBytes, textOffset, textLength)
                                : null);
                    }
                } else {
                    fields.putOther(name, value);
                }
                skipWhitespace();
                if (consume('}')) {
                    break;
                }
                if (!consume(',')) {
                    return null;
                }
                skipWhitespace();
            }
        }
        skipWhitespace();
        return pos == bytes.length ? fields : null;
    }

    private JsonNode value() {
        if (pos >= bytes.length) {
            return null;
        }
        return switch (bytes[pos]) {
            case '"' -> {
                String text = string(MAX_STRING_BYTES);
                yield text == null ? null : NODES.stringNode(text);
            }
            case 't' -> literal("true") ? NODES.booleanNode(true) : null;
            case 'f' -> literal("false") ? NODES.booleanNode(false) : null;
            case 'n' -> literal("null") ? NODES.nullNode() : null;
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> integer();
            default -> null;
        };
    }

    /** A literal followed by what may follow a value; the structure checks the rest. */
    private boolean literal(String word) {
        int end = pos + word.length();
        if (end > bytes.length) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (bytes[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        pos = end;
        return end == bytes.length || endsValue(bytes[end]);
    }

    /** Integers as the general reader types them: an int node when the value fits an int, else a long node. */
    private JsonNode integer() {
        boolean negative = bytes[pos] == '-';
        int start = negative ? pos + 1 : pos;
        int i = start;
        long value = 0;
        while (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9') {
            value = value * 10 + (bytes[i] - '0');
            i++;
        }
        int digits = i - start;
        // no digits, a leading zero, or too long to be sure of a long: the general reader decides
        if (digits == 0 || digits > MAX_INT_DIGITS || (bytes[start] == '0' && digits > 1)) {
            return null;
        }
        // a fraction, an exponent or anything glued to the digits
        if (i < bytes.length && !endsValue(bytes[i])) {
            return null;
        }
        pos = i;
        long signed = negative ? -value : value;
        return signed == (int) signed ? NODES.numberNode((int) signed) : NODES.numberNode(signed);
    }

    /**
     * The string whose opening quote is at {@code pos}, or null for one the general reader must see (a control
     * character, an unknown escape, a surrogate escape, no closing quote, longer than {@code maxBytes}).
     */
    private String string(int maxBytes) {
        int start = pos + 1;
        int end = special(start);
        if (end < 0 || end - start > maxBytes) {
            return null;
        }
        if (bytes[end] == '"') {
            pos = end + 1;
            text(bytes, start, end - start);
            return new String(bytes, start, end - start, StandardCharsets.UTF_8);
        }
        return escaped(start, end, maxBytes);
    }

    /**
     * A string with escapes, from {@code start} to its closing quote, of which {@code first} is the first special
     * byte: unescaped into UTF-8 bytes eight at a time between specials (unescaping never lengthens a string, so
     * the buffer only grows for strings longer than its first size), then made into a String once.
     */
    private String escaped(int start, int first, int maxBytes) {
        int n = bytes.length;
        byte[] out = new byte[Math.min(n - start, 1 << 13) + 2 * Long.BYTES];
        int size = first - start;
        System.arraycopy(bytes, start, out, 0, size);
        int i = first;
        while (true) {
            while (i + Long.BYTES <= n) {
                long word = (long) LONGS.get(bytes, i);
                long specials = specialBits(word);
                if (size + Long.BYTES > out.length) {
                    out = Arrays.copyOf(out, Math.max(out.length * 2, size + 2 * Long.BYTES));
                }
                // all eight go in; only those before the first special count
                LONGS.set(out, size, word);
                if (specials != 0) {
                    int plain = Long.numberOfTrailingZeros(specials) >>> 3;
                    size += plain;
                    i += plain;
                    break;
                }
                size += Long.BYTES;
                i += Long.BYTES;
            }
            if (i >= n || size > maxBytes) {
                return null;
            }
            if (size + Long.BYTES > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, size + 2 * Long.BYTES));
            }
            byte b = bytes[i];
            if (b == '"') {
                pos = i + 1;
                text(out, 0, size);
                return new String(out, 0, size, StandardCharsets.UTF_8);
            }
            if (b >= 0 && b < 0x20) {
                return null;
            }
            if (b != '\\') {
                out[size++] = b;
                i++;
                continue;
            }
            if (i + 1 >= n) {
                return null;
            }
            int escape = bytes[i + 1];
            i += 2;
            switch (escape) {
                case '"', '\\', '/' -> out[size++] = (byte) escape;
                case 'b' -> out[size++] = '\b';
                case 'f' -> out[size++] = '\f';
                case 'n' -> out[size++] = '\n';
                case 'r' -> out[size++] = '\r';
                case 't' -> out[size++] = '\t';
                case 'u' -> {
                    int unit = hex4(i);
                    if (unit < 0 || Character.isSurrogate((char) unit)) {
                        return null;
                    }
                    size = utf8(unit, out, size);
                    i += 4;
                }
                default -> {
                    return null;
                }
            }
        }
    }

    private void text(byte[] source, int offset, int length) {
        textBytes = source;
        textOffset = offset;
        textLength = length;
    }

    /** The offset of the next quote, backslash or control character from {@code from}, or -1 if none. */
    private int special(int from) {
        int i = from;
        int n = bytes.length;
        while (i + Long.BYTES <= n) {
            long specials = specialBits((long) LONGS.get(bytes, i));
            if (specials != 0) {
                return i + (Long.numberOfTrailingZeros(specials) >>> 3);
            }
            i += Long.BYTES;
        }
        for (; i < n; i++) {
            byte b = bytes[i];
            if (b == '"' || b == '\\' || (b >= 0 && b < 0x20)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The high bit of each of the eight bytes (little-endian, so the first byte is the lowest) that is a quote, a
     * backslash or a control character. A borrow can also mark bytes after a marked one, never before, so the
     * lowest mark is exact: it is all the callers use. Bytes of 0x80 and above (UTF-8 lead and continuation
     * bytes) are never marked as control characters: their own high bit masks them.
     */
    private static long specialBits(long word) {
        long quotes = word ^ QUOTES;
        long backslashes = word ^ BACKSLASHES;
        return ((quotes - ONES) & ~quotes | (backslashes - ONES) & ~backslashes | (word - SPACES) & ~word) & HIGHS;
    }

    private int hex4(int at) {
        if (at + 4 > bytes.length) {
            return -1;
        }
        int value = 0;
        for (int i = at; i < at + 4; i++) {
            int digit = Character.digit(bytes[i], 16);
            if (digit < 0) {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }

    private static int utf8(int unit, byte[] out, int size) {
        if (unit < 0x80) {
            out[size++] = (byte) unit;
        } else if (unit < 0x800) {
            out[size++] = (byte) (0xC0 | unit >> 6);
            out[size++] = (byte) (0x80 | unit & 0x3F);
        } else {
            out[size++] = (byte) (0xE0 | unit >> 12);
            out[size++] = (byte) (0x80 | unit >> 6 & 0x3F);
            out[size++] = (byte) (0x80 | unit & 0x3F);
        }
        return size;
    }

    private static boolean endsValue(byte b) {
        return b == ',' || b == '}' || b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private boolean consume(char expected) {
        if (pos < bytes.length && bytes[pos] == expected) {
            pos++;
            return true;
        }
        return false;
    }

    private void skipWhitespace() {
        while (pos < bytes.length) {
            byte b = bytes[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }
}

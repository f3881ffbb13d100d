package dev.athena.collector.window;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Whether bytes can go into a JSON string as they are: printable ASCII other than quote and backslash, and no
 * {@code '?'}, which is what {@code String.getBytes(ISO_8859_1)} puts for a character it cannot encode (a real
 * one just takes the slower, exact way). Checked eight bytes at a time.
 */
final class PlainBytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    private static final long QUESTION_MARKS = ONES * '?';
    private static final long SPACES = ONES * 0x20;

    private PlainBytes() {
    }

    static boolean all(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            if (unplain((long) LONGS.get(bytes, i)) != 0) {
                return false;
            }
        }
        for (; i < n; i++) {
            byte b = bytes[i];
            if (b < 0x20 || b == '"' || b == '\\' || b == '?') {
                return false; // a negative byte is 0x80 or above
            }
        }
        return true;
    }

    /**
     * Non-zero when any of the eight bytes is 0x80 or above (its high bit), below 0x20, a quote, a backslash or a
     * question mark. A byte equal to a pattern xors to zero, and only a zero byte (or a byte below 0x20 when
     * subtracting spaces) borrows into its own high bit, so the test has no false positives on its own: a borrow
     * reaching the next byte needs a marked byte before it.
     */
    private static long unplain(long word) {
        long quotes = word ^ QUOTES;
        long backslashes = word ^ BACKSLASHES;
        long questions = word ^ QUESTION_MARKS;
        return (word | (quotes - ONES) & ~quotes | (backslashes - ONES) & ~backslashes
                | (questions - ONES) & ~questions | (word - SPACES) & ~word) & HIGHS;
    }
}

package dev.athena.schemas.validation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the first malformed UTF-8 sequence without decoding into characters: admission checks every request,
 * and the JDK decoder would allocate a char buffer as large as the record only to throw it away.
 */
final class Utf8 {
    /** Eight bytes at a time: source code is mostly ASCII, and this is the one pass admission makes over all of it. */
    /** Eight bytes as one little-endian long, so the first byte is the lowest; {@link FastFields} scans with it too. */
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** The high bit of each of eight bytes: set for every byte that is not ASCII. */
    static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {
    }

    /** @return the offset of the first byte of the first malformed sequence, or -1 when all is well-formed */
    static int firstInvalid(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            while (i + Long.BYTES <= n && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
                i += Long.BYTES;
            }
            if (i >= n) {
                break;
            }
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            int lead = b & 0xFF;
            int length;
            int min;
            int max = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                length = 2;
                min = 0x80;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                length = 3;
                // no overlong forms (E0 80..9F) and no surrogates (ED A0..BF)
                min = lead == 0xE0 ? 0xA0 : 0x80;
                max = lead == 0xED ? 0x9F : 0xBF;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                length = 4;
                // no overlong forms (F0 80..8F) and nothing above U+10FFFF (F4 90..BF)
                min = lead == 0xF0 ? 0x90 : 0x80;
                max = lead == 0xF4 ? 0x8F : 0xBF;
            } else {
                return i;
            }
            if (i + length > n) {
                return i;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < min || second > max) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                int next = bytes[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }

    /** What {@code text.getBytes(UTF_8).length} gives, without encoding (an unpaired surrogate becomes '?'). */
    static long encodedLength(String text) {
        long length = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                length++;
            } else {
                length += 3;
            }
        }
        return length;
    }
}

package dev.athena.schemas.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
    /** The JDK's strict decoder is the reference: same verdict and same offset for every input. */
    private static int reference(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            decoder.decode(in);
            return -1;
        } catch (CharacterCodingException e) {
            return in.position();
        }
    }

    @Test
    void shouldAgreeWithTheJdkDecoderOnRandomBytes() {
        Random random = new Random(20261130L);
        for (int run = 0; run < 200_000; run++) {
            byte[] bytes = new byte[random.nextInt(12)];
            for (int i = 0; i < bytes.length; i++) {
                // biased towards the bytes that make multi-byte sequences interesting
                bytes[i] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(256));
            }
            assertThat(Utf8.firstInvalid(bytes)).as("bytes %s", java.util.HexFormat.of().formatHex(bytes))
                    .isEqualTo(reference(bytes));
        }
    }

    /** Long ASCII runs take the eight-bytes-at-a-time path: a bad byte at every offset around its word edges. */
    @Test
    void shouldFindAMalformedByteAtAnyOffsetInsideLongAsciiText() {
        Random random = new Random(11L);
        byte[][] bad = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}};
        for (int length = 0; length < 40; length++) {
            for (int at = 0; at < length; at++) {
                byte[] bytes = new byte[length];
                for (int i = 0; i < length; i++) {
                    bytes[i] = (byte) (0x20 + random.nextInt(0x5F));
                }
                byte[] wrong = bad[random.nextInt(bad.length)];
                System.arraycopy(wrong, 0, bytes, at, Math.min(wrong.length, length - at));
                assertThat(Utf8.firstInvalid(bytes)).as("length %d, bad at %d", length, at)
                        .isEqualTo(reference(bytes)).isEqualTo(at);
            }
            byte[] clean = "x".repeat(length).getBytes(StandardCharsets.US_ASCII);
            assertThat(Utf8.firstInvalid(clean)).isEqualTo(-1);
            byte[] wellFormed = ("é".repeat(length % 3) + "x".repeat(length) + "€").getBytes(StandardCharsets.UTF_8);
            assertThat(Utf8.firstInvalid(wellFormed)).isEqualTo(-1);
        }
    }

    @Test
    void shouldAcceptEveryLengthOfWellFormedText() {
        byte[] text = "a é € 𝄞 end".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.firstInvalid(text)).isEqualTo(-1);
    }

    @Test
    void shouldPointAtTheFirstByteOfOverlongSurrogateAndTruncatedSequences() {
        assertThat(Utf8.firstInvalid(new byte[] {'a', (byte) 0xC0, (byte) 0xAF})).isEqualTo(1);
        assertThat(Utf8.firstInvalid(new byte[] {'a', 'b', (byte) 0xED, (byte) 0xA0, (byte) 0x80})).isEqualTo(2);
        assertThat(Utf8.firstInvalid(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).isZero();
        assertThat(Utf8.firstInvalid(new byte[] {'x', (byte) 0xE2, (byte) 0x82})).isEqualTo(1);
    }

    @Test
    void shouldCountEncodedBytesAsGetBytesDoesIncludingLoneSurrogates() {
        Random random = new Random(7L);
        char[] palette = {'a', '\n', 'é', 'ß', '€', '中', '\uD83D', '\uDE00', '\uDBFF', '\uDC00', '\u007F', '\u0080',
            '\u07FF', '\u0800', '\uFFFF'};
        for (int run = 0; run < 50_000; run++) {
            char[] chars = new char[random.nextInt(10)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = palette[random.nextInt(palette.length)];
            }
            String text = new String(chars);
            assertThat(Utf8.encodedLength(text)).as("text %s", text.chars().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}

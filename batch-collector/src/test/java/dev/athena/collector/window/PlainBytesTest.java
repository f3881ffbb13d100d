package dev.athena.collector.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PlainBytesTest {
    private static boolean plain(byte b) {
        return b >= 0x20 && b != '"' && b != '\\' && b != '?';
    }

    @Test
    void shouldFindEveryByteThatIsNotPlainAtEveryOffset() {
        for (int length = 0; length <= 19; length++) {
            byte[] bytes = new byte[length];
            Arrays.fill(bytes, (byte) 'a');
            assertThat(PlainBytes.all(bytes)).isTrue();
            for (int at = 0; at < length; at++) {
                for (int value = 0; value < 256; value++) {
                    bytes[at] = (byte) value;
                    assertThat(PlainBytes.all(bytes)).as("byte %d at %d of %d", value, at, bytes.length)
                            .isEqualTo(plain((byte) value));
                }
                bytes[at] = 'a';
            }
        }
    }

    @Test
    void shouldNotBeFooledByABorrowFromTheByteBefore() {
        // 0x21 is plain; bytes just above the patterns and just above 0x20 must not mark their neighbours
        byte[] bytes = {0x21, 0x23, 0x5d, 0x40, 0x21, 0x7f, 0x7e, 0x20, 0x21};
        assertThat(PlainBytes.all(bytes)).isTrue();
    }
}

package dev.athena.schemas.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InstantsTest {
    /** The JDK is the reference: the same instant, or a DateTimeParseException, for every text. */
    private static void assertSameAsJdk(String text) {
        Instant expected;
        try {
            expected = Instant.parse(text);
        } catch (DateTimeParseException e) {
            assertThatThrownBy(() -> Instants.parse(text)).as("'%s'", text)
                    .isInstanceOf(DateTimeParseException.class);
            return;
        }
        assertThat(Instants.parse(text)).as("'%s'", text).isEqualTo(expected);
    }

    @Test
    void shouldReadEdgeCasesAsTheJdkDoes() {
        for (String text : List.of("2026-11-30T10:15:00Z", "2026-11-30T10:15:00.5Z", "2026-11-30T10:15:00.123456789Z",
                "2026-11-30T10:15:00.1234567890Z", "2024-02-29T23:59:59Z", "2026-02-29T00:00:00Z",
                "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-31T00:00:00Z",
                "2026-11-30T24:00:00Z", "2026-11-30T23:60:00Z", "2016-12-31T23:59:60Z", "0000-01-01T00:00:00Z",
                "+12026-11-30T10:15:00Z", "2026-11-30T10:15:00+01:00", "2026-11-30T10:15:00.Z",
                "2026-11-30t10:15:00z", "2026-11-30 10:15:00Z", "2026-11-30T10:15Z", "2026-1-30T10:15:00Z",
                "2026-11-30T10:15:0xZ", "", "yesterday", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z")) {
            assertSameAsJdk(text);
        }
    }

    @Test
    void shouldAgreeWithTheJdkOnGeneratedTexts() {
        Random random = new Random(20261130L);
        String template = "2026-11-30T10:15:00.123456789Z";
        String alphabet = "0123456789-:T.Z+x";
        for (int run = 0; run < 100_000; run++) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? template.substring(0, 19) + "Z" : template);
            int mutations = random.nextInt(3);
            for (int m = 0; m < mutations && !text.isEmpty(); m++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> text.deleteCharAt(at);
                    default -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            assertSameAsJdk(text.toString());
        }
    }
}

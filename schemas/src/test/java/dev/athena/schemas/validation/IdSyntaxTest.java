package dev.athena.schemas.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.topic.Topics;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IdSyntaxTest {
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final String ALPHABET = "aZ09._:-/ é\u0000\n";

    @Test
    void shouldAgreeWithTheContractPatternsOnGeneratedIds() {
        Random random = new Random(20261130L);
        for (int run = 0; run < 100_000; run++) {
            int length = random.nextInt(4) == 0 ? 60 + random.nextInt(80) : random.nextInt(6);
            StringBuilder id = new StringBuilder();
            for (int i = 0; i < length; i++) {
                id.append(ALPHABET.charAt(random.nextInt(random.nextInt(10) == 0 ? ALPHABET.length() : 8)));
            }
            String value = id.toString();
            assertThat(IdSyntax.isRequestId(value)).as("request id '%s'", value)
                    .isEqualTo(REQUEST_ID.matcher(value).matches());
            assertThat(IdSyntax.isClientId(value)).as("client id '%s'", value)
                    .isEqualTo(Topics.CLIENT_ID.matcher(value).matches());
        }
    }

    @Test
    void shouldHoldTheLengthLimitsExactly() {
        assertThat(IdSyntax.isRequestId("r".repeat(128))).isTrue();
        assertThat(IdSyntax.isRequestId("r".repeat(129))).isFalse();
        assertThat(IdSyntax.isClientId("c".repeat(64))).isTrue();
        assertThat(IdSyntax.isClientId("c".repeat(65))).isFalse();
        assertThat(IdSyntax.isClientId("team.a")).isFalse();
        assertThat(IdSyntax.isRequestId("")).isFalse();
        assertThat(IdSyntax.isRequestId("-leading")).isFalse();
    }
}

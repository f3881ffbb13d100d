package dev.athena.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpsAddressTest {
    private static final OpsAddress WHERE = new OpsAddress("ATHENA_TEST_OPS_PORT", "ATHENA_TEST_OPS_HOST", 9409);

    @Test
    void shouldServeOnLoopbackByDefaultAndWhereverItIsToldOrNowhere() {
        assertThat(WHERE.from(Map.of())).hasValue(new InetSocketAddress("127.0.0.1", 9409));
        assertThat(WHERE.from(Map.of("ATHENA_TEST_OPS_HOST", "0.0.0.0", "ATHENA_TEST_OPS_PORT", " 9500 ")))
                .hasValue(new InetSocketAddress("0.0.0.0", 9500));
        assertThat(WHERE.from(Map.of("ATHENA_TEST_OPS_PORT", "0"))).hasValue(new InetSocketAddress("127.0.0.1", 0));
        assertThat(WHERE.from(Map.of("ATHENA_TEST_OPS_PORT", "OFF"))).isEmpty();
        assertThat(WHERE.from(Map.of("ATHENA_TEST_OPS_PORT", " "))).as("blank is unset")
                .hasValue(new InetSocketAddress("127.0.0.1", 9409));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ATHENA_TEST_OPS_PORT|65536|a port number (0-65535; 0 picks a free one) or off, but was '65536'",
        "ATHENA_TEST_OPS_PORT|http|but was 'http'",
        "ATHENA_TEST_OPS_PORT|-1|but was '-1'",
        "ATHENA_TEST_OPS_HOST|no-such-host.invalid|but 'no-such-host.invalid' does not resolve",
    })
    void shouldRefuseABadAddressNamingTheVariableAndTheValue(String variable, String value, String expected) {
        assertThatThrownBy(() -> WHERE.from(Map.of(variable, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(variable)
                .hasMessageContaining(expected);
    }
}

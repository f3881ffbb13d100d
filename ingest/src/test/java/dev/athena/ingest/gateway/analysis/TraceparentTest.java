package dev.athena.ingest.gateway.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceparentTest {
    private static final String FORMAT = "00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}";

    @Test
    void shouldKeepTheCallersTraceWithANewSpan() {
        String incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String out = Traceparent.continueOrStart(incoming);
        assertThat(out).matches(FORMAT).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").endsWith("-01")
                .isNotEqualTo(incoming);
    }

    @Test
    void shouldStartATraceWhenNoneOrAnInvalidOneIsGiven() {
        assertThat(Traceparent.continueOrStart(null)).matches(FORMAT);
        assertThat(Traceparent.continueOrStart("garbage")).matches(FORMAT);
        assertThat(Traceparent.continueOrStart("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01"))
                .matches(FORMAT).doesNotContain("0".repeat(32));
    }
}

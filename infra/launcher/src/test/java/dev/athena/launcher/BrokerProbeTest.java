package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.FreePorts;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class BrokerProbeTest {
    @Test
    void shouldTellAtOnceThatNothingListens() throws IOException {
        int closed = FreePorts.pick();
        long started = System.nanoTime();

        assertThat(BrokerProbe.reachable("127.0.0.1:" + closed)).isFalse();
        assertThat(System.nanoTime() - started).as("without the admin client's retries").isLessThan(2_000_000_000L);
    }

    @Test
    void shouldTellThatAHostDoesNotResolveWithoutThrowing() {
        assertThat(BrokerProbe.reachable("no-such-host.invalid:9092")).isFalse();
    }

    @Test
    void shouldTellThatAListIsMalformedWithoutThrowing() {
        assertThat(BrokerProbe.reachable("localhost")).isFalse();
        assertThat(BrokerProbe.reachable("localhost:port")).isFalse();
        assertThat(BrokerProbe.reachable("localhost:0")).isFalse();
        assertThat(BrokerProbe.reachable("")).isFalse();
    }

    @Test
    void shouldFindTheOneEntryOfAListThatListens() throws IOException {
        int closed = FreePorts.pick();
        try (ServerSocket listening = new ServerSocket(0)) {
            assertThat(BrokerProbe.anyAddressAccepts("127.0.0.1:" + closed + ", 127.0.0.1:"
                    + listening.getLocalPort())).isTrue();
            assertThat(BrokerProbe.anyAddressAccepts("[::1]:" + closed + ",127.0.0.1:" + closed)).isFalse();
        }
    }
}

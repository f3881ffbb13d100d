package dev.athena.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether a server of ours could listen on a loopback port, asked before {@code ./athena up} starts anything:
 * a port in use otherwise failed the start after the broker, Redis, PostgreSQL and the services had started (and
 * then stopped again), with Spring's "Failed to start bean 'webServerStartStop'" as the only message.
 */
final class LoopbackPort {
    private LoopbackPort() {
    }

    /** True when something already listens on 127.0.0.1:{@code port} (0, any free port, is never taken). */
    static boolean taken(int port) {
        if (port == 0) {
            return false;
        }
        try (ServerSocket probe = new ServerSocket()) {
            // as the servers bind theirs: a port left in TIME_WAIT by a server that just stopped is free to them
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}

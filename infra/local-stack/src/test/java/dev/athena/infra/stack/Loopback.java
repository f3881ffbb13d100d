package dev.athena.infra.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Connections to a server on 127.0.0.1, for tests that check whether it is there at all. */
final class Loopback {
    private Loopback() {
    }

    /** Connects and closes at once; throws when nothing accepts on the port. */
    static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        }
    }
}

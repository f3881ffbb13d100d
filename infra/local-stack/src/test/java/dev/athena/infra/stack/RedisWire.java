package dev.athena.infra.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One inline Redis command over a socket of its own, for tests that must not depend on a client library. */
final class RedisWire {
    private RedisWire() {
    }

    /** The reply's first line, or for a bulk string its value ({@code $-1}, no value, stays as it is). */
    static String command(int port, String command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            var reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String first = reply.readLine();
            if (first == null) {
                throw new IOException("Redis closed the connection without a reply to " + command);
            }
            return first.startsWith("$") && !first.equals("$-1") ? reply.readLine() : first;
        }
    }
}

package dev.athena.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import redis.embedded.RedisServer;

/** A Redis server process on 127.0.0.1 (the binary bundled with embedded-redis), with its data in a directory. */
public final class EmbeddedRedis implements AutoCloseable {
    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedRedis start(Path dir, int port) {
        try {
            Files.createDirectories(dir);
            RedisServer server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("dir " + dir.toAbsolutePath())
                    .setting("save 60 1")
                    .setting("appendonly no")
                    .setting("protected-mode yes")
                    .onShutdownForceStop(true)
                    .build();
            server.start();
            return new EmbeddedRedis(server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Redis on port " + port, e);
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return server.isActive();
    }

    /**
     * Stops the process; tests use it to prove the pipeline survives Redis going away. Returns once the port
     * refuses connections: the server is killed without waiting for it to exit, and a test that counts on Redis
     * being gone must not have its next command answered by a process still on its way out.
     */
    public void stop() {
        try {
            if (server.isActive()) {
                server.stop();
                awaitPortClosed(Duration.ofSeconds(10));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded Redis", e);
        }
    }

    private void awaitPortClosed(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
            } catch (IOException refused) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Redis on port " + port + " to stop", e);
            }
        }
        throw new IllegalStateException("Redis on port " + port + " still accepts connections " + limit.toSeconds()
                + " s after it was stopped");
    }

    public void restart() {
        try {
            if (!server.isActive()) {
                server.start();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart embedded Redis", e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}

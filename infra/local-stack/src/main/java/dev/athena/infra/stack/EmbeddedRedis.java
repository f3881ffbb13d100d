package dev.athena.infra.stack;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server process on 127.0.0.1 (the binary bundled with embedded-redis), with its data in a directory.
 *
 * <p>The process is started here rather than by embedded-redis, whose servers kill themselves from a shutdown hook
 * of their own: the JVM runs every hook at once, so Redis went away while the pipeline's services were still
 * draining. This one is closed by its owner, last, and only an {@link ExitBackstop} stops it when nobody did.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(20);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);
    /** The running server's process id, for a start after a crash of its JVM to find it ({@link LeftoverServer}). */
    static final String PID_FILE = "redis-server.pid";
    private final List<String> command;
    private final Path pidFile;
    private final int port;
    private final ExitBackstop backstop;
    private volatile Process process;

    private EmbeddedRedis(List<String> command, Path dir, int port) {
        this.command = command;
        this.pidFile = dir.resolve(PID_FILE);
        this.port = port;
        this.backstop = ExitBackstop.register("the embedded Redis on port " + port, this::kill);
    }

    public static EmbeddedRedis start(Path dir, int port) {
        List<String> command;
        try {
            Files.createDirectories(dir);
            LeftoverServer.stopIfRunning(dir.resolve(PID_FILE), "redis-server", "a Redis");
            // settings as arguments, not in a configuration file of its own in the temporary directory
            command = List.of(RedisBinary.path().toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--dir", dir.toAbsolutePath().toString(), "--save", "60", "1",
                    "--appendonly", "no", "--protected-mode", "yes");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare embedded Redis on port " + port, e);
        }
        EmbeddedRedis redis = new EmbeddedRedis(command, dir, port);
        try {
            redis.launch();
        } catch (RuntimeException e) {
            redis.backstop.closed();
            throw e;
        }
        return redis;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        Process running = process;
        return running != null && running.isAlive();
    }

    /**
     * Kills the process, as a crash would; tests use it to prove the pipeline survives Redis going away. Returns
     * once the port refuses connections, so a test's next command is not answered by a server on its way out.
     */
    public void stop() {
        kill();
        awaitPortClosed(STOP_LIMIT);
    }

    /** Starts the process again, on the same port and data directory, after {@link #stop}. */
    public synchronized void restart() {
        if (!isRunning()) {
            launch();
        }
    }

    /** Stops the server as an operator would (it saves its data first), and returns once it has exited. */
    @Override
    public synchronized void close() {
        Process running = process;
        if (running != null && running.isAlive()) {
            running.destroy();
            if (!awaitExit(running)) {
                kill();
            }
        }
        forgetPid();
        backstop.closed();
    }

    private synchronized void launch() {
        Process started;
        try {
            started = new ProcessBuilder(command).directory(new File(command.get(0)).getParentFile())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Redis on port " + port + ": " + e.getMessage(), e);
        }
        ServerOutput output = ServerOutput.follow(started.getInputStream(), port);
        if (!output.awaitReady(START_LIMIT)) {
            started.destroyForcibly();
            awaitExit(started);
            throw new IllegalStateException("embedded Redis did not start on port " + port + " within "
                    + START_LIMIT.toSeconds() + " s; its last output: " + output.tail());
        }
        process = started;
        try {
            Files.writeString(pidFile, started.pid() + "\n");
        } catch (IOException e) {
            kill();
            throw new UncheckedIOException("cannot record the embedded Redis's process id in " + pidFile, e);
        }
    }

    private void forgetPid() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // a stale id is harmless: the next start checks that its process still runs Redis
        }
    }

    private synchronized void kill() {
        Process running = process;
        if (running != null && running.isAlive()) {
            running.destroyForcibly();
            if (!awaitExit(running)) {
                throw new IllegalStateException("embedded Redis on port " + port + " still runs "
                        + STOP_LIMIT.toSeconds() + " s after it was killed");
            }
        }
        forgetPid();
    }

    private static boolean awaitExit(Process running) {
        try {
            return running.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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

    /**
     * Reads the server's output for as long as it runs (a pipe nobody reads would stop the server once full),
     * keeping its last lines for an error message, and tells when the server is ready.
     */
    private static final class ServerOutput {
        private static final int KEPT_LINES = 20;
        private final Deque<String> last = new ArrayDeque<>();
        /** Counted down when the server says it is ready, or when its output ends. */
        private final CountDownLatch settled = new CountDownLatch(1);
        private volatile boolean ready;

        static ServerOutput follow(InputStream stream, int port) {
            ServerOutput output = new ServerOutput();
            Thread reader = new Thread(() -> output.read(stream), "athena-redis-" + port + "-output");
            reader.setDaemon(true);
            reader.start();
            return output;
        }

        private void read(InputStream stream) {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    keep(line);
                    if (!ready && line.contains("Ready to accept connections")) {
                        ready = true;
                        settled.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process is gone: nothing more to read
            } finally {
                settled.countDown();
            }
        }

        private synchronized void keep(String line) {
            if (last.size() == KEPT_LINES) {
                last.removeFirst();
            }
            last.addLast(line);
        }

        boolean awaitReady(Duration limit) {
            try {
                settled.await(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ready;
        }

        synchronized String tail() {
            return last.isEmpty() ? "(none)" : String.join(" | ", last);
        }
    }
}

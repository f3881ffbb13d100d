package dev.athena.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server on 127.0.0.1 (zonky's binaries from Maven Central), with its cluster in a directory. Closed
 * by its owner, after the services that write to it; zonky's own shutdown hook, which the JVM would run alongside
 * the owner's, is replaced by an {@link ExitBackstop}.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private final ExitBackstop backstop;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.server = server;
        this.backstop = ExitBackstop.register("the embedded PostgreSQL on port " + server.getPort(), this::stop);
    }

    public static EmbeddedPostgres start(Path dir, int port) {
        try {
            Files.createDirectories(dir);
            LeftoverServer.stopIfRunning(dir.resolve("data").resolve("postmaster.pid"), "postgres", "a PostgreSQL");
            var server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dir.resolve("data"))
                    .setOverrideWorkingDirectory(dir.resolve("work").toFile())
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setRegisterShutdownHook(false)
                    .start();
            return new EmbeddedPostgres(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL on port " + port + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    public String jdbcUrl() {
        return server.getJdbcUrl("postgres", "postgres");
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        stop();
        backstop.closed();
    }

    private void stop() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
        }
    }
}

package dev.athena.launcher;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.LiveProcesses;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a running {@code ./athena up} can be reached, written into its data directory so that other commands
 * (scans, which need PostgreSQL as well as Kafka) find the embedded servers' free ports. No password is
 * written: the embedded database has none, and an external one is named by the environment anyway.
 */
final class RunningPipeline {
    static final String FILE = "endpoints.properties";

    private RunningPipeline() {
    }

    static void write(Path dataDir, Endpoints endpoints) {
        Properties props = new Properties();
        props.setProperty("kafka", endpoints.kafkaBootstrap());
        props.setProperty("redis", endpoints.redisUrl());
        props.setProperty("db.url", endpoints.jdbcUrl());
        props.setProperty("db.user", endpoints.dbUser() == null ? "" : endpoints.dbUser());
        props.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        try (Writer out = Files.newBufferedWriter(dataDir.resolve(FILE))) {
            props.store(out, "written by ./athena up while it runs");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE), e);
        }
    }

    /** What the file says, whether or not the pipeline that wrote it still runs. */
    static Optional<Endpoints> read(Path dataDir) {
        return properties(dataDir).map(RunningPipeline::endpoints);
    }

    private static Endpoints endpoints(Properties props) {
        return new Endpoints(props.getProperty("kafka"), props.getProperty("redis"), props.getProperty("db.url"),
                props.getProperty("db.user"), "");
    }

    /**
     * The endpoints of the {@code ./athena up} whose data is in {@code dataDir}, while its JVM runs: it removes
     * the file when it stops, so a file whose process is gone was left by one that was killed, and a process that
     * started after the file was written has only been given the same id since (after a reboot, say). Empty as
     * well for a file without a process id (written by an earlier version): ask its broker instead.
     */
    static Optional<Endpoints> live(Path dataDir) {
        Optional<Instant> written = modified(dataDir.resolve(FILE));
        if (written.isEmpty()) {
            return Optional.empty();
        }
        return properties(dataDir).filter(props -> process(props.getProperty("pid")).filter(LiveProcesses::running)
                        .filter(process -> process.info().startInstant()
                                .map(started -> !started.isAfter(written.get())).orElse(true))
                        .isPresent())
                .map(RunningPipeline::endpoints);
    }

    private static Optional<Instant> modified(Path file) {
        try {
            return Optional.of(Files.getLastModifiedTime(file).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<ProcessHandle> process(String pid) {
        if (pid == null) {
            return Optional.empty();
        }
        try {
            return ProcessHandle.of(Long.parseLong(pid.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Properties> properties(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            props.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(props);
    }

    static void clear(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            // a stale file is harmless: readers check that Kafka answers before trusting it
        }
    }
}

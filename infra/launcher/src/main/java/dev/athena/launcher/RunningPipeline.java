package dev.athena.launcher;

import dev.athena.infra.stack.Endpoints;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
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
        try (Writer out = Files.newBufferedWriter(dataDir.resolve(FILE))) {
            props.store(out, "written by ./athena up while it runs");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE), e);
        }
    }

    static Optional<Endpoints> read(Path dataDir) {
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
        return Optional.of(new Endpoints(props.getProperty("kafka"), props.getProperty("redis"),
                props.getProperty("db.url"), props.getProperty("db.user"), ""));
    }

    static void clear(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            // a stale file is harmless: readers check that Kafka answers before trusting it
        }
    }
}

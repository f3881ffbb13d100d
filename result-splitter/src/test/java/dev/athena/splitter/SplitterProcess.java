package dev.athena.splitter;

import dev.athena.infra.stack.Endpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@link SplitterMain} in a JVM of its own, so a test can kill it with SIGKILL like a crashed pod. */
final class SplitterProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private SplitterProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static SplitterProcess start(Endpoints endpoints, String group, String instance, String input, Path log) {
        SplitterProcess child = launch(endpoints, group, instance, input, log, Map.of());
        try {
            child.awaitReady(Duration.ofSeconds(120));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the splitter's log " + log, e);
        }
        return child;
    }

    /** Started, not waited for; {@code overrides} go into its environment last. */
    static SplitterProcess launch(Endpoints endpoints, String group, String instance, String input, Path log,
            Map<String, String> overrides) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), SplitterMain.class.getName()));
        builder.environment().put("ATHENA_KAFKA_BOOTSTRAP", endpoints.kafkaBootstrap());
        builder.environment().put("ATHENA_REDIS_URL", endpoints.redisUrl());
        builder.environment().put("ATHENA_DB_URL", endpoints.jdbcUrl());
        builder.environment().put("ATHENA_DB_USER", endpoints.dbUser());
        builder.environment().put("ATHENA_DB_PASSWORD", endpoints.dbPassword());
        builder.environment().put("ATHENA_SPLITTER_GROUP", group);
        builder.environment().put("ATHENA_INSTANCE_ID", instance);
        builder.environment().put("ATHENA_SPLITTER_INPUT", input);
        builder.environment().put("ATHENA_SPLITTER_OPS_PORT", "0");
        builder.environment().putAll(overrides);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        try {
            Files.createDirectories(log.getParent());
            return new SplitterProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the splitter process", e);
        }
    }

    private void awaitReady(Duration timeout) throws IOException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (Files.exists(log) && Files.readString(log).contains("athena-result-splitter: ready")) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("splitter process exited early; see " + log);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("splitter process not ready within " + timeout + "; see " + log);
    }

    /** Where it serves {@code /metrics} and {@code /health}, as its ready line says. */
    java.net.URI ops() throws IOException {
        var where = java.util.regex.Pattern.compile("metrics and health on (\\S+)").matcher(Files.readString(log));
        if (!where.find()) {
            throw new IllegalStateException("the splitter's ready line names no ops address; see " + log);
        }
        return java.net.URI.create("http://" + where.group(1));
    }

    long pid() {
        return process.pid();
    }

    /** The exit status once the process has ended by itself, empty if it still runs after {@code timeout}. */
    java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
    }

    /** SIGKILL: no shutdown hook, no abort, no flush; whatever transaction is open stays open. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}

package dev.athena.launcher;

import dev.athena.collector.BatchCollector;
import dev.athena.collector.CollectorEnvironment;
import dev.athena.collector.CollectorSettings;
import dev.athena.infra.stack.Endpoints;
import dev.athena.splitter.ResultSplitter;
import dev.athena.splitter.SplitterSettings;
import dev.athena.workers.ProviderWorkers;
import dev.athena.workers.WorkerSettings;
import dev.athena.workers.config.ProviderCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three stages of the pipeline in one JVM, each exactly as it runs alone (same classes, same settings),
 * connected only through Kafka, Redis and PostgreSQL.
 */
public final class PipelineServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineServices.class);

    private final Deque<AutoCloseable> started;

    private PipelineServices(Deque<AutoCloseable> started) {
        this.started = started;
    }

    /** Starts splitter, workers and collector (downstream first, so nothing produced waits for a reader). */
    public static PipelineServices start(Endpoints endpoints, Path stateDir, MeterRegistry registry) {
        return start(endpoints, stateDir, registry, System.getenv());
    }

    /**
     * As {@link #start(Endpoints, Path, MeterRegistry)}, the collector's settings and the workers' providers read
     * from {@code env}.
     */
    public static PipelineServices start(Endpoints endpoints, Path stateDir, MeterRegistry registry,
            Map<String, String> env) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            started.push(ResultSplitter.start(SplitterSettings.defaults(endpoints.kafkaBootstrap(),
                    endpoints.redisUrl(), endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()), registry));
            started.push(ProviderWorkers.start(WorkerSettings.defaults(endpoints.kafkaBootstrap(),
                    endpoints.redisUrl()), registry, ProviderCatalog.fromEnvironment(env)));
            started.push(BatchCollector.start(CollectorEnvironment.apply(CollectorSettings.defaults(
                    endpoints.kafkaBootstrap(), stateDir.resolve("collector")).withRedisUrl(endpoints.redisUrl()),
                    env), registry));
            return new PipelineServices(started);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    @Override
    public void close() {
        closeAll(started);
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            AutoCloseable service = started.pop();
            try {
                service.close();
            } catch (Exception e) {
                LOG.warn("error stopping {}: {}", service.getClass().getSimpleName(), e.toString());
            }
        }
    }
}

package dev.athena.launcher;

import dev.athena.collector.BatchCollector;
import dev.athena.collector.CollectorEnvironment;
import dev.athena.collector.CollectorSettings;
import dev.athena.infra.stack.Endpoints;
import dev.athena.ops.InstanceIdFile;
import dev.athena.splitter.ResultSplitter;
import dev.athena.splitter.SplitterSettings;
import dev.athena.workers.ProviderWorkers;
import dev.athena.workers.WorkerEnvironment;
import dev.athena.workers.WorkerSettings;
import dev.athena.workers.config.ProviderCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three stages of the pipeline in one JVM, each exactly as it runs alone (same classes, same settings),
 * connected only through Kafka, Redis and PostgreSQL.
 */
public final class PipelineServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineServices.class);

    private final Deque<AutoCloseable> started;
    private final ResultSplitter splitter;
    private final ProviderWorkers workers;
    private final BatchCollector collector;

    private PipelineServices(Deque<AutoCloseable> started, ResultSplitter splitter, ProviderWorkers workers,
            BatchCollector collector) {
        this.started = started;
        this.splitter = splitter;
        this.workers = workers;
        this.collector = collector;
    }

    /** Starts splitter, workers and collector (downstream first, so nothing produced waits for a reader). */
    public static PipelineServices start(Endpoints endpoints, Path stateDir, MeterRegistry registry) {
        return start(endpoints, stateDir, registry, System.getenv());
    }

    /**
     * As {@link #start(Endpoints, Path, MeterRegistry)}, the collector's settings, the workers' group, instance id
     * and batch limit, and the workers' providers read from {@code env}, as each service reads them alone. The
     * splitter and the workers run under the instance id kept in {@code stateDir} ({@link InstanceIdFile}),
     * the workers under {@code ATHENA_WORKER_ID} when it is set.
     */
    public static PipelineServices start(Endpoints endpoints, Path stateDir, MeterRegistry registry,
            Map<String, String> env) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        // kept in the state directory: a start after a crash fences and replaces its predecessor at once
        String instanceId = InstanceIdFile.keptIn(stateDir, "local");
        try {
            ResultSplitter splitter = ResultSplitter.start(SplitterSettings.defaults(endpoints.kafkaBootstrap(),
                    endpoints.redisUrl(), endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword())
                    .withInstanceId(instanceId), registry);
            started.push(splitter);
            ProviderWorkers workers = ProviderWorkers.start(WorkerEnvironment.apply(WorkerSettings.defaults(
                    endpoints.kafkaBootstrap(), endpoints.redisUrl()).withInstanceId(instanceId), env), registry,
                    ProviderCatalog.fromEnvironment(env));
            started.push(workers);
            BatchCollector collector = BatchCollector.start(CollectorEnvironment.apply(CollectorSettings.defaults(
                    endpoints.kafkaBootstrap(), stateDir.resolve("collector")).withRedisUrl(endpoints.redisUrl()),
                    env), registry);
            started.push(collector);
            return new PipelineServices(started, splitter, workers, collector);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /**
     * Which service stopped doing its work on its own, and why (a fenced producer, a failure it could not handle);
     * empty while all of them work. Running alone, each would exit for its supervisor to start it again; in one
     * JVM nothing would, and requests would wait for ever behind the service that stopped.
     */
    public Optional<String> stoppedService() {
        Optional<String> workersDown = workers.death().map(why -> "provider workers: " + why.getMessage());
        if (workersDown.isPresent()) {
            return workersDown;
        }
        Optional<String> splitterDown = splitter.stoppedPath().map(path -> "result splitter: its " + path
                + " path stopped (fenced or failed)");
        return splitterDown.isPresent() ? splitterDown : collector.stopped().map(why -> "batch collector: " + why);
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

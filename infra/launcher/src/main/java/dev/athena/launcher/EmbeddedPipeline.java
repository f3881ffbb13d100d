package dev.athena.launcher;

import dev.athena.infra.stack.LocalStack;
import dev.athena.infra.stack.StackOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;

/** The whole product in one JVM: local stack, the three services and the ops endpoint. */
final class EmbeddedPipeline implements AutoCloseable {
    private final LocalStack stack;
    private final PipelineServices services;
    private final OpsHttpServer http;

    private EmbeddedPipeline(LocalStack stack, PipelineServices services, OpsHttpServer http) {
        this.stack = stack;
        this.services = services;
        this.http = http;
    }

    /** {@code httpPort} 0 picks a free port; a negative one runs without the HTTP endpoint. */
    static EmbeddedPipeline start(Path dataDir, int kafkaPort, int httpPort) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var readiness = new java.util.concurrent.atomic.AtomicBoolean();
        OpsHttpServer http = httpPort >= 0 ? OpsHttpServer.start(httpPort, registry, readiness::get) : null;
        LocalStack stack = null;
        try {
            stack = LocalStack.start(StackOptions.fromEnvironment(dataDir, kafkaPort));
            PipelineServices services = PipelineServices.start(stack.endpoints(), dataDir.resolve("state"), registry);
            readiness.set(true);
            return new EmbeddedPipeline(stack, services, http);
        } catch (RuntimeException | Error e) {
            if (stack != null) {
                stack.close();
            }
            if (http != null) {
                http.close();
            }
            throw e;
        }
    }

    String kafkaBootstrap() {
        return stack.endpoints().kafkaBootstrap();
    }

    @Override
    public void close() {
        services.close();
        if (http != null) {
            http.close();
        }
        stack.close();
    }
}

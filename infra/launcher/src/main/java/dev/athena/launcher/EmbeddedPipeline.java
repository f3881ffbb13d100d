package dev.athena.launcher;

import dev.athena.collector.CollectorEnvironment;
import dev.athena.collector.CollectorSettings;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.LocalStack;
import dev.athena.infra.stack.StackOptions;
import dev.athena.ingest.gateway.Gateway;
import dev.athena.ingest.gateway.GatewaySettings;
import dev.athena.ops.OpsRegistry;
import dev.athena.workers.WorkerEnvironment;
import dev.athena.workers.WorkerSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The whole product in one JVM: local stack, the three pipeline services and the HTTP gateway. */
final class EmbeddedPipeline implements AutoCloseable {
    private final LocalStack stack;
    private final PipelineServices services;
    private final Optional<Gateway> gateway;

    private EmbeddedPipeline(LocalStack stack, PipelineServices services, Optional<Gateway> gateway) {
        this.stack = stack;
        this.services = services;
        this.gateway = gateway;
    }

    /** {@code httpPort} 0 picks a free port; a negative one runs without the gateway. */
    static EmbeddedPipeline start(Path dataDir, int kafkaPort, int httpPort) {
        checkEnvironment(System.getenv(), dataDir);
        // the registry each service keeps alone, so /metrics carries the same meters as theirs
        PrometheusMeterRegistry registry = OpsRegistry.create();
        LocalStack stack = LocalStack.start(StackOptions.fromEnvironment(dataDir, kafkaPort));
        PipelineServices services = null;
        try {
            services = PipelineServices.start(stack.endpoints(), dataDir.resolve("state"), registry);
            Optional<Gateway> gateway = httpPort < 0 ? Optional.empty()
                    : Optional.of(Gateway.start(gatewaySettings(stack.endpoints(), httpPort, System.getenv()),
                            registry));
            return new EmbeddedPipeline(stack, services, gateway);
        } catch (RuntimeException | Error e) {
            if (services != null) {
                services.close();
            }
            stack.close();
            throw e;
        }
    }

    /**
     * Reads the services' settings from the environment once with placeholder endpoints, so a bad value stops
     * the start before any server is started, with the message naming it.
     */
    static void checkEnvironment(Map<String, String> env, Path dataDir) {
        Endpoints placeholder = new Endpoints("127.0.0.1:9092", "redis://127.0.0.1:6379",
                "jdbc:postgresql://127.0.0.1:5432/athena", "athena", "");
        CollectorEnvironment.apply(CollectorSettings.defaults(placeholder.kafkaBootstrap(), dataDir), env);
        WorkerEnvironment.apply(WorkerSettings.defaults(placeholder.kafkaBootstrap(), placeholder.redisUrl()), env);
        gatewaySettings(placeholder, 0, env);
    }

    /** The gateway reads its secrets and allowlist from the same variables as when it runs alone. */
    static GatewaySettings gatewaySettings(Endpoints endpoints, int port, Map<String, String> env) {
        return GatewaySettings.fromEnvironment(env, endpoints.kafkaBootstrap(), endpoints.redisUrl(),
                endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword(), port);
    }

    String kafkaBootstrap() {
        return stack.endpoints().kafkaBootstrap();
    }

    Endpoints endpoints() {
        return stack.endpoints();
    }

    /** See {@link PipelineServices#stoppedService}. */
    Optional<String> stoppedService() {
        return services.stoppedService();
    }

    Optional<Integer> httpPort() {
        return gateway.map(Gateway::port);
    }

    @Override
    public void close() {
        gateway.ifPresent(Gateway::close);
        services.close();
        stack.close();
    }
}

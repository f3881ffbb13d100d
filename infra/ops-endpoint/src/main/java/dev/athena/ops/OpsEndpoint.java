package dev.athena.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What an orchestrator and a Prometheus server ask a service that runs alone (the collector, the workers, the
 * splitter): {@code GET /metrics} (the registry in Prometheus' text format) and {@code GET /health} (200 while the
 * service says it is {@link Health#up up}, 503 otherwise, with its details in the body either way). In the
 * all-in-one launcher the gateway serves the shared registry instead.
 *
 * <p>Design notes: the JDK's own HTTP server on one thread: two read-only paths scraped every few seconds need
 * no framework, and each service stays a plain Kafka process.
 */
public final class OpsEndpoint implements AutoCloseable {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService thread;

    private OpsEndpoint(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /** A service as its main started it, and its endpoint when it serves one. */
    public record Served<S>(S service, Optional<OpsEndpoint> endpoint) {
    }

    /**
     * For a service's main: opens the endpoint first, so a port in use stops the start before the service joins
     * its groups, then starts the service; {@code health} answers with null until it runs. A start that fails
     * closes the endpoint.
     */
    public static <S> Served<S> serveThenStart(OpsAddress where, Map<String, String> env,
            PrometheusMeterRegistry registry, Function<S, Health> health, String service, Supplier<S> start) {
        AtomicReference<S> started = new AtomicReference<>();
        Optional<OpsEndpoint> endpoint = serve(where, env, registry, () -> health.apply(started.get()), service);
        try {
            started.set(start.get());
        } catch (RuntimeException | Error e) {
            endpoint.ifPresent(OpsEndpoint::close);
            throw e;
        }
        return new Served<>(started.get(), endpoint);
    }

    /**
     * Serves where {@code where} finds in {@code env}, if anywhere, naming the service's variables when the
     * address cannot be served.
     */
    static Optional<OpsEndpoint> serve(OpsAddress where, Map<String, String> env, PrometheusMeterRegistry registry,
            Supplier<Health> health, String service) {
        return where.from(env).map(address -> {
            try {
                return start(address, registry, health, service);
            } catch (UncheckedIOException e) {
                throw new IllegalStateException(e.getMessage() + ": " + where.advice(), e);
            }
        });
    }

    /** Serves on {@code address} (port 0: any free one) until closed; its thread is named after the service. */
    public static OpsEndpoint start(InetSocketAddress address, PrometheusMeterRegistry registry,
            Supplier<Health> health, String service) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics and health on " + address.getHostString() + ":"
                    + address.getPort() + " (" + e.getMessage() + ")", e);
        }
        server.createContext("/metrics", exchange -> respond(exchange, () -> new Reply(200, PROMETHEUS_TEXT,
                registry.scrape())));
        server.createContext("/health", exchange -> respond(exchange, () -> {
            Health now = health.get();
            return new Reply(now.up() ? 200 : 503, "application/json", now.json());
        }));
        server.createContext("/", exchange -> respond(exchange, () -> new Reply(404, "text/plain; charset=utf-8",
                "not found: " + exchange.getRequestURI().getPath() + " (try /metrics or /health)\n")));
        ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "athena-" + service + "-ops");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.start();
        return new OpsEndpoint(server, thread);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code host:port} as served, for a service's start-up line. */
    public String where() {
        return server.getAddress().getHostString() + ":" + port();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }

    record Reply(int status, String contentType, String body) {
    }

    private static void respond(HttpExchange exchange, Supplier<Reply> reply) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            Reply answer;
            try {
                answer = method.equals("GET") || method.equals("HEAD") ? reply.get()
                        : new Reply(405, "text/plain; charset=utf-8", "method " + method + " not allowed: GET only\n");
            } catch (RuntimeException e) {
                answer = new Reply(500, "text/plain; charset=utf-8", "could not answer "
                        + exchange.getRequestURI().getPath() + ": " + e + "\n");
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            if (answer.status() == 405) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            }
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(answer.status(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}

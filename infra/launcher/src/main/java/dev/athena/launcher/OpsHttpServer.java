package dev.athena.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/** Health and Prometheus metrics on 127.0.0.1, for operators and for scripts that wait for readiness. */
final class OpsHttpServer implements AutoCloseable {
    private final HttpServer server;

    private OpsHttpServer(HttpServer server) {
        this.server = server;
    }

    static OpsHttpServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            server.createContext("/health", exchange -> {
                boolean up = ready.getAsBoolean();
                respond(exchange, up ? 200 : 503, "application/json",
                        up ? "{\"status\":\"UP\"}" : "{\"status\":\"STARTING\"}");
            });
            server.createContext("/metrics", exchange -> respond(exchange, 200,
                    "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return new OpsHttpServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " (is another Athena running? "
                    + "use --http-port)", e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

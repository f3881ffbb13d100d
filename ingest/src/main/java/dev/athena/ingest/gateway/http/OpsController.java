package dev.athena.ingest.gateway.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Unauthenticated operations endpoints, outside /v1. */
@RestController
public class OpsController {
    private final GatewayCore core;

    private final String openApi;

    public OpsController(GatewayCore core) {
        this.core = core;
        this.openApi = readOpenApi();
    }

    @GetMapping("/v1/openapi.json")
    ResponseEntity<String> openApi() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(openApi);
    }

    private static String readOpenApi() {
        try (var in = OpsController.class.getResourceAsStream("/dev/athena/ingest/gateway/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the gateway's resources");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @GetMapping("/health")
    ResponseEntity<String> health() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body("{\"status\":\"UP\"}");
    }

    @GetMapping("/metrics")
    ResponseEntity<String> metrics() {
        if (core.registry() instanceof PrometheusMeterRegistry prometheus) {
            return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/plain; version=0.0.4; charset=utf-8"))
                    .body(prometheus.scrape());
        }
        throw new ApiProblem(404, "Not Found", "metrics are not exported by this gateway");
    }
}

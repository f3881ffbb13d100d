package dev.athena.ingest.gateway.http;

import dev.athena.ingest.gateway.InvalidInput;
import dev.athena.ingest.gateway.auth.Principal;
import dev.athena.ingest.gateway.auth.Scope;
import dev.athena.ingest.gateway.usage.UsageCounts;
import dev.athena.ingest.gateway.usage.UsageLine;
import dev.athena.ingest.gateway.usage.UsagePeriod;
import dev.athena.ingest.gateway.usage.UsageReport;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.topic.Topics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What requests came to, from the splitter's usage ledger: a key with scope read sees its own client's, an admin
 * key every client's (audited). Daily sums per client, provider and model over UTC days.
 */
@RestController
public class UsageController {
    private final GatewayCore core;

    public UsageController(GatewayCore core) {
        this.core = core;
    }

    @GetMapping("/v1/usage")
    ResponseEntity<String> own(@RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to, HttpServletRequest request,
            HttpServletResponse response) {
        Principal principal = core.guard().require(request, response, Scope.READ);
        if (principal.clientId() == null) {
            throw new ApiProblem(403, "Forbidden", "this key acts for no client; an admin reads every client's "
                    + "usage at /v1/admin/usage");
        }
        UsagePeriod period = period(from, to);
        return ok(core.usage().ofClient(principal.clientId(), period));
    }

    @GetMapping("/v1/admin/usage")
    ResponseEntity<String> anyClient(@RequestParam(name = "clientId", required = false) String clientId,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to, HttpServletRequest request,
            HttpServletResponse response) {
        Principal admin = core.guard().require(request, response, Scope.ADMIN);
        if (clientId != null && !Topics.CLIENT_ID.matcher(clientId).matches()) {
            throw new ApiProblem(422, "Unprocessable Content", "parameter 'clientId' must match "
                    + Topics.CLIENT_ID.pattern(), "clientId", Map.of());
        }
        UsagePeriod period = period(from, to);
        UsageReport report = clientId == null ? core.usage().ofEveryClient(period)
                : core.usage().ofClient(clientId, period);
        core.audit().record("usage.read", admin.keyId(), request.getRemoteAddr(), (clientId == null ? "all"
                : "client=" + clientId) + " " + period.from() + ".." + period.to());
        return ok(report);
    }

    private UsagePeriod period(String from, String to) {
        try {
            return UsagePeriod.parse(from, to, core.usage().today());
        } catch (InvalidInput e) {
            throw new ApiProblem(422, "Unprocessable Content", e.getMessage(), e.name(), Map.of());
        }
    }

    private static ResponseEntity<String> ok(UsageReport report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clientId", report.clientId());
        out.put("from", report.period().from().toString());
        out.put("to", report.period().to().toString());
        out.put("totals", view(report.totals()));
        out.put("days", report.lines().stream().map(UsageController::view).toList());
        out.put("truncated", report.truncated());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header("Cache-Control", "no-store")
                .body(Json.writeString(out));
    }

    private static Map<String, Object> view(UsageLine line) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("day", line.day().toString());
        out.put("clientId", line.clientId());
        out.put("provider", line.provider());
        out.put("model", line.model());
        out.putAll(view(line.counts()));
        return out;
    }

    /** Cost as a decimal string: sums of money stay exact, never a binary fraction or an exponent. */
    private static Map<String, Object> view(UsageCounts counts) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", counts.requests());
        out.put("providerCalls", counts.providerCalls());
        out.put("cached", counts.cached());
        out.put("shared", counts.shared());
        out.put("inputTokens", counts.inputTokens());
        out.put("outputTokens", counts.outputTokens());
        out.put("cacheReadTokens", counts.cacheReadTokens());
        out.put("costUsd", counts.costUsd().toPlainString());
        return out;
    }
}

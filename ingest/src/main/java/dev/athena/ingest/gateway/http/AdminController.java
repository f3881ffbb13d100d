package dev.athena.ingest.gateway.http;

import dev.athena.ingest.gateway.InvalidInput;
import dev.athena.ingest.gateway.auth.Authenticator;
import dev.athena.ingest.gateway.auth.KeyLifetime;
import dev.athena.ingest.gateway.auth.KeyRecord;
import dev.athena.ingest.gateway.auth.Principal;
import dev.athena.ingest.gateway.auth.Scope;
import dev.athena.ingest.gateway.cache.CacheInvalidations;
import dev.athena.ingest.gateway.health.ProviderHealth;
import dev.athena.ingest.gateway.health.ProviderHealthReader;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.topic.Topics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.redisson.client.RedisException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Administration (scope admin): keys, cache invalidation, provider health, the audit log. Every action and every
 * read but the audit log's own is audited by key id and hint, never by key.
 */
@RestController
public class AdminController {
    private final GatewayCore core;
    private final InstantSource clock = Clock.systemUTC();

    public AdminController(GatewayCore core) {
        this.core = core;
    }

    @PostMapping("/v1/admin/keys")
    ResponseEntity<String> create(HttpServletRequest request, HttpServletResponse response) {
        Principal admin = core.guard().require(request, response, Scope.ADMIN);
        JsonNode body = jsonBody(request);
        JsonNode clientNode = body == null ? null : body.get("clientId");
        if (clientNode == null || !clientNode.isString()
                || !Topics.CLIENT_ID.matcher(clientNode.stringValue()).matches()) {
            throw unprocessable("clientId", "field 'clientId' must match " + Topics.CLIENT_ID.pattern());
        }
        Set<Scope> scopes = scopes(body.get("scopes"));
        Instant expiresAt = expiry(body);
        Authenticator.CreatedKey created = core.authenticator().create(clientNode.stringValue(), scopes, expiresAt);
        core.resultTopics().ensure(created.record().clientId());
        core.audit().record("key.created", admin.keyId(), request.getRemoteAddr(), created.record().keyId()
                + " client=" + created.record().clientId() + " scopes=" + Scope.toList(scopes) + " hint="
                + created.record().hint() + (expiresAt == null ? "" : " expires=" + created.record().expiresAt()));
        return createdKey(created, null);
    }

    /**
     * A new key for the client and scopes of an active key, which keeps working for the grace period (default
     * 24 h, {@code "grace": "0s"} to end it at once) so that its holders can switch without an outage.
     */
    @PostMapping("/v1/admin/keys/{keyId}/rotation")
    ResponseEntity<String> rotate(@PathVariable("keyId") String keyId, HttpServletRequest request,
            HttpServletResponse response) {
        Principal admin = core.guard().require(request, response, Scope.ADMIN);
        JsonNode body = optionalJsonBody(request);
        Duration grace;
        try {
            grace = KeyLifetime.grace(textField(body, "grace"));
        } catch (InvalidInput e) {
            throw unprocessable(e.name(), e.getMessage());
        }
        Instant expiresAt = expiry(body);
        Authenticator.RotatedKey rotated = core.authenticator().rotate(keyId, grace, expiresAt).orElseThrow(() ->
                new ApiProblem(404, "Not Found", "no active key with this id (unknown, revoked or expired)"));
        KeyRecord replacement = rotated.replacement().record();
        core.audit().record("key.rotated", admin.keyId(), request.getRemoteAddr(), keyId + " -> "
                + replacement.keyId() + " client=" + replacement.clientId() + " hint=" + replacement.hint()
                + " old-expires=" + rotated.old().expiresAt()
                + (replacement.expiresAt() == null ? "" : " expires=" + replacement.expiresAt()));
        return createdKey(rotated.replacement(), rotated.old());
    }

    private ResponseEntity<String> createdKey(Authenticator.CreatedKey created, KeyRecord replaced) {
        Map<String, Object> out = view(created.record());
        out.put("key", created.key());
        if (replaced != null) {
            out.put("replaces", view(replaced));
        }
        return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "no-store").body(Json.writeString(out));
    }

    /** The optional {@code expiresAt} / {@code expiresIn} of a body; null when neither is given. */
    private Instant expiry(JsonNode body) {
        try {
            return KeyLifetime.expiry(clock.instant(), textField(body, "expiresAt"), textField(body, "expiresIn"));
        } catch (InvalidInput e) {
            throw unprocessable(e.name(), e.getMessage());
        }
    }

    @GetMapping("/v1/admin/keys")
    ResponseEntity<String> list(@RequestParam(name = "clientId", required = false) String clientId,
            HttpServletRequest request, HttpServletResponse response) {
        Principal admin = core.guard().require(request, response, Scope.ADMIN);
        List<Map<String, Object>> keys = core.authenticator().list(clientId).stream().map(this::view).toList();
        core.audit().record("key.listed", admin.keyId(), request.getRemoteAddr(),
                clientId == null ? "all" : "client=" + clientId);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.writeString(Map.of("keys", keys)));
    }

    @DeleteMapping("/v1/admin/keys/{keyId}")
    ResponseEntity<Void> revoke(@PathVariable("keyId") String keyId, HttpServletRequest request,
            HttpServletResponse response) {
        Principal admin = core.guard().require(request, response, Scope.ADMIN);
        if (!core.authenticator().revoke(keyId)) {
            throw new ApiProblem(404, "Not Found", "no active key with this id");
        }
        core.audit().record("key.revoked", admin.keyId(), request.getRemoteAddr(), keyId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/v1/admin/cache/invalidations")
    ResponseEntity<String> invalidate(HttpServletRequest request, HttpServletResponse response) {
        Principal admin = core.guard().require(request, response, Scope.ADMIN);
        JsonNode body = jsonBody(request);
        String kind = textField(body, "kind");
        String value = textField(body, "value");
        CacheInvalidations.Published published;
        try {
            published = core.invalidations().publish(kind, value, admin.keyId());
        } catch (IllegalArgumentException e) {
            throw unprocessable(kind == null || e.getMessage().startsWith("kind") ? "kind" : "value", e.getMessage());
        } catch (RedisException e) {
            throw new ApiProblem(503, "Service Unavailable",
                    "invalidations reach the splitters through Redis, which is unavailable; nothing was published, "
                    + "retry later");
        }
        core.audit().record("cache.invalidated", admin.keyId(), request.getRemoteAddr(), kind + " "
                + (value == null ? "" : value) + " id=" + published.id());
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON).body(
                Json.writeString(Map.of("id", published.id(), "receivers", published.receivers())));
    }

    /** A string member of the body, or null when absent or null; anything else is the caller's mistake (422). */
    private static String textField(JsonNode body, String name) {
        JsonNode node = body == null ? null : body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw unprocessable(name, "field '" + name + "' must be a string");
        }
        return node.stringValue();
    }

    /** Provider health as the live worker instances last published it; stale instances are counted, not shown. */
    @GetMapping("/v1/admin/providers")
    ResponseEntity<String> providers(HttpServletRequest request, HttpServletResponse response) {
        Principal admin = core.guard().require(request, response, Scope.ADMIN);
        ProviderHealthReader.Report report;
        try {
            report = core.providerHealth().read();
        } catch (RedisException e) {
            throw new ApiProblem(503, "Service Unavailable",
                    "provider health is kept in Redis, which is unavailable; retry later");
        }
        core.audit().record("providers.read", admin.keyId(), request.getRemoteAddr(),
                report.providers().size() + " providers, " + report.staleSnapshots() + " stale snapshots");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("generatedAt", report.generatedAt().toString());
        out.put("maxAgeSeconds", report.maxAge().toSeconds());
        out.put("providers", report.providers().stream().map(ProviderHealth::view).toList());
        out.put("staleSnapshots", report.staleSnapshots());
        out.put("unreadableSnapshots", report.unreadableSnapshots());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header("Cache-Control", "no-store")
                .body(Json.writeString(out));
    }

    @GetMapping("/v1/admin/audit")
    ResponseEntity<String> audit(@RequestParam(name = "limit", defaultValue = "100") int limit,
            HttpServletRequest request, HttpServletResponse response) {
        core.guard().require(request, response, Scope.ADMIN);
        var entries = core.audit().recent(Math.clamp(limit, 1, 1000));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(Json.writeString(Map.of("entries", entries)));
    }

    private static Set<Scope> scopes(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw unprocessable("scopes", "field 'scopes' must be a non-empty array of submit, read, admin");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (JsonNode item : node) {
            String name = item.isString() ? item.stringValue() : item.toString();
            scopes.add(Scope.fromWire(name).orElseThrow(() -> unprocessable("scopes",
                    "unknown scope '" + (name.length() > 32 ? name.substring(0, 29) + "..." : name)
                            + "' (expected submit, read or admin)")));
        }
        return scopes;
    }

    private static ApiProblem unprocessable(String field, String detail) {
        return new ApiProblem(422, "Unprocessable Content", detail, field, Map.of());
    }

    private Map<String, Object> view(KeyRecord key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keyId", key.keyId());
        out.put("clientId", key.clientId());
        out.put("scopes", key.scopes().stream().sorted().map(Scope::wireName).toList());
        out.put("hint", key.hint());
        out.put("state", key.stateAt(clock.instant()));
        out.put("createdAt", key.createdAt().toString());
        out.put("expiresAt", text(key.expiresAt()));
        out.put("lastUsedAt", text(key.lastUsedAt()));
        out.put("revokedAt", text(key.revokedAt()));
        return out;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** An admin request's JSON body (16 KiB at most); malformed JSON is a 400 naming the body. */
    private static JsonNode jsonBody(HttpServletRequest request) {
        return parse(Bodies.read(request, 16 * 1024));
    }

    /** Like {@link #jsonBody}, but no body (or only white space) is null. */
    private static JsonNode optionalJsonBody(HttpServletRequest request) {
        byte[] bytes = Bodies.read(request, 16 * 1024);
        return new String(bytes, StandardCharsets.UTF_8).isBlank() ? null : parse(bytes);
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return Json.tree(bytes);
        } catch (JsonContractException e) {
            throw new ApiProblem(400, "Bad Request", "body is " + e.getMessage(), "body", Map.of());
        }
    }
}

package dev.athena.workers.provider.vendor;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One remote provider: its name, where it is ({@code baseUrl} as the official SDKs take it: Anthropic the host
 * root, OpenAI-style including {@code /v1}), its key (null for a keyless local server), default model, prices,
 * and the three transport timeouts: connect, first byte (until response headers), idle (between bytes).
 * {@code toString} never shows the key.
 */
public record VendorSettings(String name, URI baseUrl, String apiKey, String model, Pricing pricing,
        Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout, int maxOutputTokens) {
    public VendorSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        pricing = pricing == null ? Pricing.FREE : pricing;
        positive(connectTimeout, "connectTimeout");
        positive(firstByteTimeout, "firstByteTimeout");
        positive(idleTimeout, "idleTimeout");
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be >= 1 but was " + maxOutputTokens);
        }
    }

    public static VendorSettings of(String name, String baseUrl, String apiKey, String model, Pricing pricing) {
        return new VendorSettings(name, URI.create(stripSlash(baseUrl)), apiKey, model, pricing, Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofSeconds(30), 2048);
    }

    public VendorSettings withTimeouts(Duration connect, Duration firstByte, Duration idle) {
        return new VendorSettings(name, baseUrl, apiKey, model, pricing, connect, firstByte, idle, maxOutputTokens);
    }

    public URI resolve(String path) {
        return URI.create(stripSlash(baseUrl.toString()) + path);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static void positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive but was " + d);
        }
    }

    @Override
    public String toString() {
        return "VendorSettings[" + name + " at " + baseUrl + ", model " + model + ", key "
                + (apiKey == null ? "none" : "set") + "]";
    }
}

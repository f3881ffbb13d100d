package dev.athena.workers.provider.vendor;

import dev.athena.workers.provider.spi.RetriableProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.InstantSource;

/**
 * One HTTP call as the adapters need it: the request times out at the first-byte timeout (until headers),
 * the body is guarded by the idle timeout, and errors are already typed. The caller closes the body.
 */
public final class HttpExchange implements AutoCloseable {
    private final HttpClient client;
    private final VendorSettings settings;
    private final InstantSource clock;
    private final java.util.function.Consumer<RateLimitHeaders> limits;

    public HttpExchange(VendorSettings settings, InstantSource clock) {
        this(settings, clock, headers -> {
        });
    }

    /** {@code limits} hears what every successful response says about the provider's remaining budget. */
    public HttpExchange(VendorSettings settings, InstantSource clock,
            java.util.function.Consumer<RateLimitHeaders> limits) {
        this.settings = settings;
        this.clock = clock;
        this.limits = limits;
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A successful (2xx) response; anything else is thrown as the contract's typed error. */
    public Response send(HttpRequest.Builder request, Duration remaining) {
        Duration firstByte = remaining.compareTo(settings.firstByteTimeout()) < 0 ? remaining : settings.firstByteTimeout();
        HttpRequest built = request.timeout(firstByte.isZero() || firstByte.isNegative() ? Duration.ofMillis(1) : firstByte)
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(built, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            if (firstByte.compareTo(settings.firstByteTimeout()) < 0) {
                throw new RetriableProviderException(settings.name(), RetriableProviderException.Kind.CUT_SHORT, 0,
                        "no response within the " + firstByte.toMillis() + " ms left before the deadline");
            }
            throw HttpFailures.fromIo(settings.name(), e);
        } catch (IOException e) {
            throw HttpFailures.fromIo(settings.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableProviderException(settings.name(), RetriableProviderException.Kind.CUT_SHORT, 0,
                    "cancelled while waiting for the response");
        }
        InputStream body = new IdleGuardedStream(response.body(), settings.idleTimeout());
        if (response.statusCode() / 100 != 2) {
            byte[] bytes;
            try (body) {
                bytes = body.readNBytes(64 * 1024);
            } catch (IOException e) {
                bytes = new byte[0];
            }
            throw HttpFailures.fromStatus(settings.name(), response.statusCode(), response.headers(), bytes, clock);
        }
        limits.accept(RateLimitHeaders.from(response.headers(), clock));
        return new Response(response.statusCode(), response.headers(), body);
    }

    /**
     * Ends the client: its connections and its selector thread, which otherwise outlive a stopped worker for as
     * long as the JVM runs. Exchanges still open get two seconds, then fail.
     */
    @Override
    public void close() {
        client.shutdown();
        try {
            if (!client.awaitTermination(Duration.ofSeconds(2))) {
                client.shutdownNow();
            }
        } catch (InterruptedException e) {
            client.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    public record Response(int status, HttpHeaders headers, InputStream body) {
    }
}

package dev.athena.ingest.gateway.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;

/**
 * The event streams and long polls each client has open on this gateway instance, against a limit. Each holds a
 * connection and re-checks PostgreSQL until its result comes (a stream for up to ten minutes), and the per-minute
 * request limits do not bound how many are open at once: one key could otherwise hold hundreds and exhaust the
 * database pool for everyone. Past the limit a new one is refused with 429; a limit of 0 is none.
 */
public final class OpenStreams {
    private final int perClient;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    public OpenStreams(int perClient) {
        if (perClient < 0) {
            throw new IllegalArgumentException("open streams per client must be >= 0 but was " + perClient);
        }
        this.perClient = perClient;
    }

    /** One open stream of the client until the slot is closed (once); 429 when the client has its most open. */
    public Slot open(String clientId) {
        if (perClient == 0) {
            return () -> {
            };
        }
        boolean[] admitted = {false};
        open.compute(clientId, (client, count) -> {
            int now = count == null ? 0 : count;
            if (now >= perClient) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            throw new ApiProblem(429, "Too Many Requests", "client " + clientId + " already has " + perClient
                    + " event streams and long polls open on this gateway, its most: close one, or ask without "
                    + "waiting", null, Map.of(HttpHeaders.RETRY_AFTER, "1"));
        }
        return () -> open.computeIfPresent(clientId, (client, count) -> count <= 1 ? null : count - 1);
    }

    @FunctionalInterface
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }
}

package dev.athena.collector.quota;

import java.util.Map;
import java.util.Objects;

/**
 * How many batch items per second each client may put into batches: {@code perClient} overrides, else
 * {@code defaultPerSecond}; 0 means no limit. {@code burst} items may go at once after a quiet spell. Work over
 * the rate is not dropped: it waits in its window until the client's turn comes again.
 */
public record ClientQuotas(double defaultPerSecond, Map<String, Double> perClient, int burst) {
    public ClientQuotas {
        if (defaultPerSecond < 0) {
            throw new IllegalArgumentException("defaultPerSecond must be >= 0 but was " + defaultPerSecond);
        }
        perClient = Map.copyOf(Objects.requireNonNull(perClient, "perClient"));
        perClient.forEach((client, rate) -> {
            if (rate == null || rate < 0) {
                throw new IllegalArgumentException("rate of client " + client + " must be >= 0 but was " + rate);
            }
        });
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be >= 1 but was " + burst);
        }
    }

    public static ClientQuotas unlimited() {
        return new ClientQuotas(0, Map.of(), 1);
    }

    public double rateFor(String clientId) {
        return perClient.getOrDefault(clientId, defaultPerSecond);
    }

    public boolean limitsAnyone() {
        return defaultPerSecond > 0 || perClient.values().stream().anyMatch(r -> r > 0);
    }
}

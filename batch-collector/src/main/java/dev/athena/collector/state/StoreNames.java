package dev.athena.collector.state;

import java.util.Objects;

/**
 * The names of one intake's stores (and so of their changelog topics). The intake of {@code athena.requests}
 * keeps the names its stores always had, so an upgraded collector finds their changelogs; another intake puts its
 * own word after {@code collector-}.
 */
public record StoreNames(String intake) {
    public static final StoreNames MAIN = new StoreNames("");
    private static final String PREFIX = "collector-";

    public StoreNames {
        Objects.requireNonNull(intake, "intake");
        if (!intake.isEmpty() && !intake.matches("[a-z0-9]+")) {
            throw new IllegalArgumentException("intake must be lower-case letters and digits but was '" + intake
                    + "'");
        }
    }

    /** {@code collector-<base>} for the main intake, {@code collector-<intake>-<base>} for another. */
    public String of(String base) {
        return intake.isEmpty() ? PREFIX + base : PREFIX + intake + "-" + base;
    }
}

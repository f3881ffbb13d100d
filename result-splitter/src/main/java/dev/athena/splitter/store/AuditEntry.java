package dev.athena.splitter.store;

import java.time.Instant;
import java.util.Objects;

/** One admin action. {@code actionId} is unique per action, so recording it twice keeps one row. */
public record AuditEntry(String actionId, String action, String target, String actor, String detailJson,
        Instant occurredAt) {
    public AuditEntry {
        Objects.requireNonNull(actionId, "actionId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }
}

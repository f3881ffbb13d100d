package dev.athena.ingest.gateway.usage;

import java.util.List;

/**
 * A period's usage, for one client or (clientId null) every client. {@code truncated} says the lines stopped at
 * {@link UsageLedger#MAX_LINES}; the totals then cover only the lines given, and a shorter period gives the rest.
 */
public record UsageReport(UsagePeriod period, String clientId, List<UsageLine> lines, boolean truncated) {
    public UsageReport {
        lines = List.copyOf(lines);
    }

    public UsageCounts totals() {
        return lines.stream().map(UsageLine::counts).reduce(UsageCounts.ZERO, UsageCounts::plus);
    }
}

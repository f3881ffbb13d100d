package dev.athena.ingest.gateway.usage;

import java.time.LocalDate;

/** One client's requests answered on one UTC day by one provider and model. */
public record UsageLine(LocalDate day, String clientId, String provider, String model, UsageCounts counts) {
}

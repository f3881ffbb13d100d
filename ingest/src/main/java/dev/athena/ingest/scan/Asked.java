package dev.athena.ingest.scan;

import dev.athena.schemas.message.AnalysisType;
import java.util.Objects;

/**
 * What a scan asks of every file: the analysis, and the provider and model to answer it ({@code auto} where the
 * pipeline chooses). A file's earlier answer is reused only for the same question.
 */
record Asked(AnalysisType type, String provider, String model) {
    Asked {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
    }

    static Asked by(ScanSettings settings) {
        return new Asked(settings.type(), settings.route().providerOrAuto(), settings.route().modelOrAuto());
    }
}

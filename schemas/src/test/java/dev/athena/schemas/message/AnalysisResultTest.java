package dev.athena.schemas.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisResultTest {
    private static AnalysisResult servedBy(ServedBy by) {
        return new AnalysisResult(SchemaVersion.CURRENT, "r-1", "team-a", ResultStatus.COMPLETED, List.of(), "ok", by,
                false, "b-1", null, null, Instant.EPOCH);
    }

    @Test
    void shouldTellAStandInsAnswerFromTheProvidersAndKeepItOffTheWire() {
        AnalysisResult standIn = servedBy(new ServedBy("builtin", "rules-1", true));

        assertThat(standIn.answeredByStandIn()).isTrue();
        assertThat(servedBy(ServedBy.of("openai", "gpt-4o")).answeredByStandIn()).isFalse();
        assertThat(servedBy(null).answeredByStandIn()).as("nobody served a refused request").isFalse();
        assertThat(Json.writeString(standIn)).as("derived, not a field of the contract")
                .doesNotContain("answeredByStandIn").contains("\"degraded\"");
    }
}

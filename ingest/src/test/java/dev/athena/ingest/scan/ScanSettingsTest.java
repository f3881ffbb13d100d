package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScanSettingsTest {
    @Test
    void shouldNotPrintThePasswordNorCredentialsCarriedInTheDatabaseUrl() {
        ScanSettings inUrl = ScanSettings.of(Path.of("repo"), "team-a", "k:9092",
                "jdbc:postgresql://db:5432/athena?user=scan&password=hunter2", "u", "secret-password");
        ScanSettings inAuthority = ScanSettings.of(Path.of("repo"), "team-a", "k:9092",
                "jdbc:postgresql://scan:hunter2@db:5432/athena", "u", "secret-password");

        assertThat(inUrl.toString()).doesNotContain("hunter2").doesNotContain("secret-password")
                .contains("jdbcUrl=jdbc:postgresql://db:5432/athena?user=***&password=***");
        assertThat(inAuthority.toString()).doesNotContain("hunter2").contains("jdbc:postgresql://***@db:5432/athena");
    }
}

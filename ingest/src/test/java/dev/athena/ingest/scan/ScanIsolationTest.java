package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.ingest.gateway.http.GatewayWebConfig;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The gateway's Spring context must never see the scan: no import of ours, no Spring component in our package. */
class ScanIsolationTest {

    @Test
    void shouldKeepTheGatewayContextFreeOfScanAndBatchConfiguration() {
        List<Class<?>> imported = Stream.concat(
                Arrays.stream(GatewayWebConfig.class.getAnnotation(Import.class).value()),
                Arrays.stream(GatewayWebConfig.class.getAnnotation(ImportAutoConfiguration.class).value())).toList();

        assertThat(imported).isNotEmpty().noneMatch(c -> c.getPackageName().startsWith("dev.athena.ingest.scan")
                || c.getPackageName().startsWith("org.springframework.batch"));
    }

    @Test
    void shouldHaveNoSpringAnnotatedClassInTheScanPackage() throws IOException, URISyntaxException, Exception {
        Path dir = Path.of(RepositoryScan.class.getResource("RepositoryScan.class").toURI()).getParent();
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .map(n -> "dev.athena.ingest.scan." + n.substring(0, n.length() - ".class".length())).toList();
        }

        assertThat(names).hasSizeGreaterThan(10);
        for (String name : names) {
            for (Annotation a : Class.forName(name).getAnnotations()) {
                assertThat(a.annotationType().getPackageName()).as(name).doesNotStartWith("org.springframework");
            }
        }
    }

    @Test
    void shouldNotBringSpringBootsBatchAutoConfigurationThatWouldRunJobsAtStartUp() {
        assertThatThrownBy(() -> Class.forName("org.springframework.boot.batch.autoconfigure.BatchAutoConfiguration"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}

package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md, read from the POMs (every scope counts): schemas depends on none of ours;
 * services depend on schemas, on the ops endpoint they serve when run alone and, for tests, on the local stack and
 * the fake provider, never on each other; only the launcher depends on services.
 */
class ModuleBoundariesTest {
    private static final Pattern OUR_DEPENDENCY =
            Pattern.compile("<groupId>dev\\.athena</groupId>\\s*<artifactId>(athena-[a-z-]+)</artifactId>");
    private static final Set<String> SERVICES = Set.of("athena-batch-collector", "athena-provider-workers",
            "athena-result-splitter", "athena-ingest");
    private static final Set<String> SHARED_COMPONENTS = Set.of("athena-schemas", "athena-local-stack",
            "athena-fake-provider", "athena-ops-endpoint");

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    private static Set<String> ourDependencies(String module) throws Exception {
        return dependenciesIn(Files.readString(ROOT.resolve(module).resolve("pom.xml")));
    }

    static Set<String> dependenciesIn(String pom) {
        int start = pom.indexOf("<dependencies>");
        String dependencies = start < 0 ? "" : pom.substring(start);
        return OUR_DEPENDENCY.matcher(dependencies).results().map(m -> m.group(1)).collect(Collectors.toSet());
    }

    @Test
    void shouldKeepSchemasFreeOfOurOtherModules() throws Exception {
        assertThat(ourDependencies("schemas")).isEmpty();
    }

    @Test
    void shouldLetServicesDependOnlyOnSharedComponents() throws Exception {
        Map<String, String> serviceFolders = Map.of("athena-batch-collector", "batch-collector",
                "athena-provider-workers", "provider-workers", "athena-result-splitter", "result-splitter",
                "athena-ingest", "ingest");
        for (var service : serviceFolders.entrySet()) {
            assertThat(ourDependencies(service.getValue()))
                    .as("%s may depend only on %s", service.getKey(), SHARED_COMPONENTS)
                    .isSubsetOf(SHARED_COMPONENTS)
                    .contains("athena-schemas");
        }
    }

    @Test
    void shouldKeepSharedInfraIndependentOfServices() throws Exception {
        for (String module : List.of("infra/local-stack", "infra/ops-endpoint")) {
            assertThat(ourDependencies(module)).as(module).doesNotContainAnyElementsOf(SERVICES);
        }
        if (Files.exists(ROOT.resolve("infra/fake-provider/pom.xml"))) {
            assertThat(ourDependencies("infra/fake-provider")).doesNotContainAnyElementsOf(SERVICES);
        }
    }

    @Test
    void shouldSeeOurDependenciesInAnyScopeButNotTheParent() {
        String pom = """
                <parent><groupId>dev.athena</groupId><artifactId>athena-parent</artifactId></parent>
                <dependencies>
                  <dependency><groupId>dev.athena</groupId><artifactId>athena-schemas</artifactId></dependency>
                  <dependency><groupId>dev.athena</groupId>
                    <artifactId>athena-result-splitter</artifactId><scope>test</scope></dependency>
                </dependencies>""";
        assertThat(dependenciesIn(pom)).containsExactlyInAnyOrder("athena-schemas", "athena-result-splitter");
    }
}

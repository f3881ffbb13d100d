package dev.athena.launcher;

import static dev.athena.launcher.YamlNodes.list;
import static dev.athena.launcher.YamlNodes.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The alerting rules of {@code infra/deploy/prometheus}: they query only series the services publish, each alert
 * says how bad and what to do, each has a promtool unit test, and promtool passes them (where it is installed:
 * {@code .ci/run} fetches it; {@code PROMTOOL} names it, else it is looked for on the PATH).
 */
class AlertRulesTest {
    private static final Path PROMETHEUS = Path.of("../..").toAbsolutePath().normalize()
            .resolve("infra/deploy/prometheus");
    private static final Pattern SERIES = Pattern.compile("\\b(?:athena|resilience4j)_[a-z0-9_]+");

    @Test
    void shouldAlertOnlyOnSeriesTheServicesPublish() throws IOException {
        Set<String> published = PublishedSeries.all();
        List<String> queried = new ArrayList<>();
        for (Map<String, Object> rule : rules()) {
            Matcher series = SERIES.matcher((String) rule.get("expr"));
            while (series.find()) {
                queried.add(series.group());
            }
        }
        assertThat(queried).contains("resilience4j_circuitbreaker_state", "athena_splitter_persistence_lag_seconds");
        assertThat(published).containsAll(queried);
    }

    @Test
    void shouldGiveEveryAlertASeverityAnExplanationAndAUnitTest() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (Map<String, Object> rule : rules()) {
            String name = (String) rule.get("alert");
            assertThat(name).as("only alerting rules here").startsWith("Athena");
            assertThat(alerts.add(name)).as("%s named once", name).isTrue();
            assertThat(map(rule.get("labels")).get("severity")).as(name).isIn("warning", "critical");
            Map<String, Object> annotations = map(rule.get("annotations"));
            assertThat(annotations.keySet()).as(name).contains("summary", "description");
        }
        Set<String> tested = new TreeSet<>();
        Map<String, Object> tests = new Yaml().load(Files.readString(PROMETHEUS.resolve("athena-alerts.test.yaml")));
        for (Map<String, Object> test : YamlNodes.<Map<String, Object>>list(tests.get("tests"))) {
            for (Map<String, Object> check : YamlNodes.<Map<String, Object>>list(test.get("alert_rule_test"))) {
                if (!list(check.get("exp_alerts")).isEmpty()) {
                    tested.add((String) check.get("alertname"));
                }
            }
        }
        assertThat(tested).as("alerts seen firing in athena-alerts.test.yaml").isEqualTo(alerts);
    }

    @Test
    void shouldPassPromtoolsChecksAndUnitTests() throws Exception {
        Optional<Path> promtool = promtool();
        Assumptions.assumeTrue(promtool.isPresent(), "promtool is not installed (set PROMTOOL; .ci/run fetches it)");
        assertThat(run(promtool.get(), "check", "rules", "athena-alerts.yaml")).contains("SUCCESS");
        assertThat(run(promtool.get(), "test", "rules", "athena-alerts.test.yaml")).contains("SUCCESS");
    }

    private static String run(Path promtool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(PROMETHEUS.toFile()).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static Optional<Path> promtool() {
        String named = System.getenv("PROMTOOL");
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named)).filter(Files::isExecutable);
        }
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable)
                .findFirst();
    }

    private static List<Map<String, Object>> rules() throws IOException {
        Map<String, Object> file = new Yaml().load(Files.readString(PROMETHEUS.resolve("athena-alerts.yaml")));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : YamlNodes.<Map<String, Object>>list(file.get("groups"))) {
            rules.addAll(list(group.get("rules")));
        }
        assertThat(rules).isNotEmpty();
        return rules;
    }
}

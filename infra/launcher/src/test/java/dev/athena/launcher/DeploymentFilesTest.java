package dev.athena.launcher;

import static dev.athena.launcher.YamlNodes.list;
import static dev.athena.launcher.YamlNodes.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * What can be checked of the deployment files without a cluster or a Grafana: every container runs a main class
 * that exists, sets only variables some service reads, binds its ports beyond loopback and probes the port its
 * service listens on; the dashboard asks only for series the services' meters really publish.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path KUBERNETES = ROOT.resolve("infra/deploy/kubernetes");
    private static final Pattern ENV_NAME = Pattern.compile("\"((?:ATHENA|ANTHROPIC|OPENAI|DEEPSEEK)_[A-Z0-9_]+)\"");
    private static final Pattern SERIES = Pattern.compile("\\bathena_[a-z0-9_]+");

    @Test
    void shouldRunExistingMainsWithKnownVariablesReachableByTheirProbes() throws Exception {
        Set<String> known = variablesTheServicesRead();
        Map<String, Object> config = map(new Yaml().load(Files.readString(KUBERNETES.resolve("config.yaml"))));
        assertThat(known).as("the shared settings are ones the services read")
                .containsAll(map(config.get("data")).keySet());
        List<Map<String, Object>> containers = containers();
        assertThat(containers).extracting(c -> args(c).getFirst()).containsExactlyInAnyOrder(
                "dev.athena.collector.CollectorMain", "dev.athena.workers.WorkersMain",
                "dev.athena.splitter.SplitterMain", "dev.athena.ingest.gateway.GatewayMain");
        for (Map<String, Object> container : containers) {
            String main = args(container).getFirst();
            assertThat(Class.forName(main).getMethod("main", String[].class)).as(main).isNotNull();
            Map<String, String> values = new java.util.HashMap<>();
            for (Map<String, Object> env : YamlNodes.<Map<String, Object>>list(container.get("env"))) {
                String name = (String) env.get("name");
                assertThat(known).as("%s sets %s, which no service reads", main, name).contains(name);
                values.put(name, (String) env.get("value"));
            }
            int port = (Integer) YamlNodes.<Map<String, Object>>list(container.get("ports")).getFirst()
                    .get("containerPort");
            String portVariable = values.keySet().stream().filter(n -> n.endsWith("_OPS_PORT") || n.equals(
                    "ATHENA_HTTP_PORT")).findFirst().orElseThrow();
            assertThat(values.get(portVariable)).as("%s listens where its container port is", main)
                    .isEqualTo(Integer.toString(port));
            String hostVariable = portVariable.replace("_PORT", "_HOST");
            assertThat(values.get(hostVariable)).as("%s must bind beyond loopback for its probes", main)
                    .isEqualTo("0.0.0.0");
            for (String probe : List.of("livenessProbe", "readinessProbe")) {
                Map<String, Object> http = map(map(container.get(probe)).get("httpGet"));
                assertThat(http.get("path")).as(main + " " + probe).isEqualTo("/health");
                assertThat(http.get("port")).as(main + " " + probe).isEqualTo(port);
            }
        }
    }

    @Test
    void shouldApplyEveryManifestOfTheFolder() throws IOException {
        Map<String, Object> kustomization = new Yaml().load(Files.readString(KUBERNETES.resolve("kustomization.yaml")));
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            assertThat(list(kustomization.get("resources")).stream().map(Object::toString).toList())
                    .containsExactlyInAnyOrderElementsOf(files.map(f -> f.getFileName().toString())
                            .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList());
        }
    }

    @Test
    void shouldChartOnlySeriesTheServicesPublish() throws IOException {
        Set<String> published = PublishedSeries.all();
        JsonNode dashboard = Json.tree(Files.readAllBytes(ROOT.resolve("infra/deploy/grafana/athena.json")));
        List<String> charted = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher series = SERIES.matcher(target.get("expr").asString());
                while (series.find()) {
                    charted.add(series.group());
                }
            }
        }
        assertThat(charted).isNotEmpty();
        assertThat(published).containsAll(charted);
    }

    /** Every variable name a service's code reads, as string literals in the main sources. */
    private static Set<String> variablesTheServicesRead() throws IOException {
        Set<String> names = new HashSet<>();
        for (String module : List.of("batch-collector", "provider-workers", "result-splitter", "ingest")) {
            try (Stream<Path> sources = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher name = ENV_NAME.matcher(Files.readString(source));
                    while (name.find()) {
                        names.add(name.group(1));
                    }
                }
            }
        }
        return names;
    }

    private static List<Map<String, Object>> containers() throws IOException {
        List<Map<String, Object>> containers = new ArrayList<>();
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (Object document : new Yaml().loadAll(in)) {
                        Map<String, Object> resource = map(document);
                        if (List.of("Deployment", "StatefulSet").contains(resource.get("kind"))) {
                            Map<String, Object> pod = map(map(map(resource.get("spec")).get("template")).get("spec"));
                            containers.addAll(list(pod.get("containers")));
                        }
                    }
                }
            }
        }
        return containers;
    }

    @SuppressWarnings("unchecked")
    private static List<String> args(Map<String, Object> container) {
        return (List<String>) container.get("args");
    }
}

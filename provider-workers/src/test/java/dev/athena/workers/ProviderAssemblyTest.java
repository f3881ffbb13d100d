package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.workers.config.ProviderCatalog;
import dev.athena.workers.metrics.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A stopped worker leaves no thread behind: a long-lived JVM (the launcher, a test run) starts and stops many. */
class ProviderAssemblyTest {
    @Test
    void shouldEndEveryHttpClientItMadeWhenClosed() throws InterruptedException {
        Set<Thread> before = httpClientThreads();
        ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of(
                "OPENAI_API_KEY", "sk-test", "OPENAI_BASE_URL", "http://127.0.0.1:9/v1",
                "ANTHROPIC_API_KEY", "sk-ant-test", "ANTHROPIC_BASE_URL", "http://127.0.0.1:9",
                "ATHENA_OPENAI_BATCH_API", "true"));
        ProviderAssembly assembly = ProviderAssembly.build(catalog, null, Clock.systemUTC(),
                new WorkerMetrics(new SimpleMeterRegistry()));
        Set<Thread> made = httpClientThreads();
        made.removeAll(before);
        // the adapters (openai, anthropic), openai's batch API and the adapter that writes its request bodies
        assertThat(made).hasSize(4);

        assembly.close();

        for (Thread thread : made) {
            thread.join(5_000);
        }
        assertThat(made).noneMatch(Thread::isAlive);
    }

    /** The JDK's HTTP client runs one selector thread per client, named after it. */
    private static Set<Thread> httpClientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager"))
                .collect(Collectors.toSet());
    }
}

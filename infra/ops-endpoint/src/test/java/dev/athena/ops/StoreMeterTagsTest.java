package dev.athena.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class StoreMeterTagsTest {
    private static final String PUT_LATENCY = "kafka.stream.state.put.latency.avg";

    @Test
    void shouldPublishTheSameStoreMeterOfStoresOfEveryKind() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new StoreMeterTags());

        storeMeter(registry, "in.memory.state.id", "collector-window-items", 1.5);
        storeMeter(registry, "rocksdb.state.id", "collector-seen-ids", 2.5);
        storeMeter(registry, "rocksdb.window.state.id", "collector-seen-log", 3.5);

        String scrape = registry.scrape();
        assertThat(scrape).contains(
                "kafka_stream_state_put_latency_avg{store=\"collector-window-items\",task_id=\"0_1\"} 1.5",
                "kafka_stream_state_put_latency_avg{store=\"collector-seen-ids\",task_id=\"0_1\"} 2.5",
                "kafka_stream_state_put_latency_avg{store=\"collector-seen-log\",task_id=\"0_1\"} 3.5");
    }

    @Test
    void shouldDropAllButTheFirstKindWithoutIt() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        storeMeter(registry, "in.memory.state.id", "collector-window-items", 1.5);
        storeMeter(registry, "rocksdb.state.id", "collector-seen-ids", 2.5);

        assertThat(registry.scrape()).contains("collector-window-items").doesNotContain("collector-seen-ids");
    }

    @Test
    void shouldLeaveOtherMetersAsTheyAre() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new StoreMeterTags());

        Gauge.builder("kafka.stream.thread.commit.rate", () -> 4.0).tags(Tags.of("thread.id", "t-1",
                "rocksdb.state.id", "odd")).register(registry);

        assertThat(registry.scrape()).contains(
                "kafka_stream_thread_commit_rate{rocksdb_state_id=\"odd\",thread_id=\"t-1\"} 4.0");
    }

    private static void storeMeter(PrometheusMeterRegistry registry, String storeKey, String store, double value) {
        Gauge.builder(PUT_LATENCY, () -> value).tags(Tags.of("task.id", "0_1", storeKey, store)).register(registry);
    }
}

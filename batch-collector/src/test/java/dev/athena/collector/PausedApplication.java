package dev.athena.collector;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One topology's application kept through a whole {@link CollectorBenchmark} run, as a deployed collector runs:
 * started once, paused between legs and resumed for each. A leg then times a running application taking a burst
 * of new requests with its stores open and its changelogs made, where an application started for the leg also
 * opened its stores, made its changelog partitions and began its first transactions inside the timed part.
 */
final class PausedApplication implements AutoCloseable {
    /** Several commit intervals (50 ms). */
    private static final Duration SETTLE_BEFORE_FREEZE = Duration.ofMillis(300);
    private final KafkaStreams streams;
    private final String applicationId;

    private PausedApplication(KafkaStreams streams, String applicationId) {
        this.streams = streams;
        this.applicationId = applicationId;
    }

    /** The application RUNNING on the (still empty) input, then paused. */
    static PausedApplication start(String bootstrap, Path dir, boolean collector) throws InterruptedException {
        String applicationId = collector ? "bench-collector" : "bench-pass";
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, dir.resolve("state"))
                .withApplicationId(applicationId);
        KafkaStreams streams = CollectorBenchmark.startRunning(settings,
                CollectorBenchmark.topology(settings, collector));
        streams.pause();
        return new PausedApplication(streams, applicationId);
    }

    /** Resumes the application and times it through the burst just produced; paused again after. */
    CollectorBenchmark.Rate leg(Admin admin, int burst, int records) throws Exception {
        try {
            return CollectorBenchmark.measure(admin, applicationId, applicationId + " (burst " + burst + ")",
                    streams, records, streams::resume);
        } finally {
            streams.pause();
            if (CollectorBenchmark.freezesIdleApplication()) {
                // a paused application still commits: let the transaction of the last windows' batches end
                // before the JVM is stopped, or the broker aborts it (10 s) and fences the producer
                Thread.sleep(SETTLE_BEFORE_FREEZE.toMillis());
            }
        }
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}

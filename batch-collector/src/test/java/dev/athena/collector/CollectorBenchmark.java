package dev.athena.collector;

import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.infra.stack.EmbeddedKafka;
import dev.athena.infra.stack.FreePorts;
import dev.athena.infra.stack.TempDirectories;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.TopicSpec;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * Records per second through admission and batching, beside a pass-through topology (bytes in, bytes out, same
 * exactly-once settings) on the same in-process broker and the same input, in one run.
 *
 * <pre>
 * ./mvnw -q -pl batch-collector test-compile exec:exec@bench            # 500,000 requests, 2 warm-ups + 5 rounds
 * ./mvnw -q -pl batch-collector test-compile exec:exec@bench -Dbench.records=100000
 * ./mvnw -q -pl batch-collector test-compile exec:exec@bench -Dbench.jvmArg=-Dbench.variant=admission
 * ./mvnw -q -pl batch-collector test-compile exec:exec@bench -Dbench.codeBytes=4000 -Dbench.records=100000   # ~4 KB each
 * ./mvnw -q -pl batch-collector test-compile exec:exec@bench -Dbench.sources=..     # this repository's sources
 * ./mvnw -q -pl batch-collector test-compile exec:exec@bench -Dbench.bad=10         # one request in ten a bad one
 * batch-collector/bench/own-core-broker.sh                    # the broker in its own process, on its own core
 * </pre>
 *
 * {@code -Dbench.bootstrap=host:port} uses that broker instead of starting one in process; it must be a fresh one
 * (the input topic is expected to hold only this run's requests), as {@code bench/own-core-broker.sh} starts.
 *
 * Each topology is one application kept through the run ({@link PausedApplication}); each round writes a burst of
 * new requests while both are paused, then resumes one at a time and times it until its committed offsets reach
 * the end of the burst: every record processed and its transaction committed. {@code -Dbench.mode=fresh} starts a
 * new application for each leg on the same requests instead, timed from RUNNING. Each leg also gives its
 * steady-state rate, between the commits that pass 10 % and 90 % of the input: the first fetch and commits take a
 * fixed fraction of a second, so the whole-leg rate flatters whichever topology is slower. Legs of 500,000 records
 * by default: at 100,000 the pass-through commits only six times in a leg, too few points for a steady rate. Both
 * topologies run under the same Streams config ({@link BatchCollector#streamsConfig}); rounds alternate which one
 * goes first; the median ratio is the result.
 *
 * <p>Each topology runs its legs in a JVM of its own ({@link BenchFork}), the broker stays in this one:
 * {@code -Dbench.forks=false} runs both in this JVM instead, where each leg pays for recompiling the Kafka code
 * the other topology's leg has just compiled for itself. A flight recording to {@code x.jfr} records each fork to
 * {@code x-pass.jfr} and {@code x-collector.jfr}. {@code -Dbench.idle=frozen} also stops the idle fork's JVM between
 * its legs ({@link BenchFork#freeze()}).
 */
public final class CollectorBenchmark {
    private static final String PASS_THROUGH_TOPIC = "bench.pass-through";
    /** {@code -Dbench.streams.<key>=<value>}: a Streams setting for both topologies alike. */
    private static final Map<String, String> OVERRIDES = overrides("bench.streams.");
    /** {@code -Dbench.broker.<key>=<value>}: a setting of the in-process broker. */
    private static final Map<String, String> BROKER_OVERRIDES = overrides("bench.broker.");
    /** Producer and main consumer figures that tell where the stream thread waits (group:name). */
    private static final Set<String> CLIENT_METRICS = Set.of("producer-metrics:record-retry-total",
            "producer-metrics:request-total", "producer-metrics:record-send-total",
            "producer-metrics:outgoing-byte-total", "producer-metrics:records-per-request-avg",
            "producer-metrics:request-latency-avg",
            "producer-metrics:txn-commit-time-ns-total", "producer-metrics:flush-time-ns-total",
            "producer-metrics:txn-send-offsets-time-ns-total", "consumer-fetch-manager-metrics:fetch-total",
            "consumer-fetch-manager-metrics:fetch-latency-avg", "consumer-fetch-manager-metrics:fetch-size-avg",
            "consumer-fetch-manager-metrics:records-per-request-avg", "consumer-metrics:io-wait-time-ns-total",
            "consumer-metrics:poll-idle-ratio-avg");

    /** False in a fork or with an external broker: the JVM's CPU figure is then the application's alone. */
    private static final boolean BROKER_IN_THIS_JVM = System.getProperty("bench.bootstrap") == null;

    private CollectorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = Integer.getInteger("bench.records", 100_000);
        int rounds = Integer.getInteger("bench.rounds", 2);
        int warmups = Integer.getInteger("bench.warmups", 1);
        CollectorVariants variant = CollectorVariants.named(System.getProperty("bench.variant", "full"));
        Path dir = Files.createTempDirectory("collector-bench-");
        BenchFork passFork = null;
        BenchFork collectorFork = null;
        String external = System.getProperty("bench.bootstrap");
        try (EmbeddedKafka kafka = external == null ? EmbeddedKafka.start(dir.resolve("kafka"), FreePorts.pick(),
                BROKER_OVERRIDES)
                : null;
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        external == null ? kafka.bootstrap() : external))) {
            String bootstrap = external == null ? kafka.bootstrap() : external;
            String sources = System.getProperty("bench.sources", "");
            BenchInput input = (sources.isBlank() ? BenchInput.generated(Integer.getInteger("bench.codeBytes", 0))
                    : BenchInput.sources(Path.of(sources), CollectorSettings.defaults(bootstrap, dir).maxCodeBytes()))
                    .withBadOnes(Integer.getInteger("bench.bad", 0));
            var provisioner = new TopicProvisioner(admin);
            provisioner.ensure(Topics.pipeline());
            provisioner.ensure(new TopicSpec(PASS_THROUGH_TOPIC, 6, Map.of()));
            awaitLeaders(admin);
            boolean forks = Boolean.parseBoolean(System.getProperty("bench.forks", "true"));
            boolean keep = keepsApplications();
            if (keep && !forks) {
                throw new IllegalArgumentException("-Dbench.forks=false goes with -Dbench.mode=fresh only");
            }
            boolean frozen = freezesIdleApplication();
            if (frozen && !keep) {
                throw new IllegalArgumentException("-Dbench.idle=frozen goes with -Dbench.mode=running only");
            }
            if (!keep) {
                long produceMs = produce(bootstrap, records, input, 0);
                System.out.printf(Locale.ROOT, "produced %,d requests in %,d ms%n", records, produceMs);
            }

            List<String> lines = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<Double> steadyRatios = new ArrayList<>();
            List<Double> passCpu = new ArrayList<>();
            List<Double> collectorCpu = new ArrayList<>();
            List<Double> passBrokerCpu = new ArrayList<>();
            List<Double> collectorBrokerCpu = new ArrayList<>();
            if (forks) {
                passFork = BenchFork.start("pass", bootstrap, records);
                collectorFork = BenchFork.start("collector", bootstrap, records);
            }
            List<Long> forkPids = forks ? List.of(passFork.pid(), collectorFork.pid()) : List.of();
            if (frozen) {
                passFork.freeze();
                collectorFork.freeze();
            }
            // warm-up rounds (not counted) first, so the counted ones compare JIT-compiled code on both sides
            for (int round = 1 - warmups; round <= rounds; round++) {
                int run = round + warmups;
                // alternate which goes first, so neither always runs on the warmer JVM or the quieter machine
                boolean passFirst = Math.floorMod(round, 2) == 1;
                if (keep) {
                    long produceMs = produce(bootstrap, records, input, run);
                    System.out.printf(Locale.ROOT, "burst %d: %,d new requests produced in %,d ms%n", run, records,
                            produceMs);
                }
                Rate pass = null;
                Rate collector = null;
                double passBroker = Double.NaN;
                double collectorBroker = Double.NaN;
                for (int leg = 0; leg < 2; leg++) {
                    // with forks this JVM is the broker (and an idle harness): its CPU over the leg is the broker's
                    long brokerCpuAtStart = processCpuNanos();
                    MemoryFigures memoryAtStart = MemoryFigures.now(forkPids);
                    if ((leg == 0) == passFirst) {
                        pass = forks ? runLeg(passFork, run, frozen) : leg(admin, bootstrap, dir, false, run, records);
                        passBroker = (processCpuNanos() - brokerCpuAtStart) / 1e3 / records;
                    } else {
                        collector = forks ? runLeg(collectorFork, run, frozen)
                                : leg(admin, bootstrap, dir, true, run, records);
                        collectorBroker = (processCpuNanos() - brokerCpuAtStart) / 1e3 / records;
                    }
                    if (forks && external == null) {
                        System.out.println(MemoryFigures.now(forkPids).since(memoryAtStart));
                    }
                }
                if (round < 1) {
                    System.out.printf(Locale.ROOT, "warm-up: pass-through %,.0f rec/s, collector %,.0f rec/s%n",
                            pass.whole(), collector.whole());
                    continue;
                }
                // a leg that finished before RUNNING was seen has no rate (NaN): its round is left out
                addIfFinite(ratios, collector.whole() / pass.whole());
                addIfFinite(steadyRatios, collector.steady() / pass.steady());
                addIfFinite(passCpu, pass.cpuMicrosPerRecord());
                addIfFinite(collectorCpu, collector.cpuMicrosPerRecord());
                if (forks && external == null) {
                    passBrokerCpu.add(passBroker);
                    collectorBrokerCpu.add(collectorBroker);
                }
                String line = String.format(Locale.ROOT, "round %d (%s first): pass-through %,10.0f rec/s | "
                        + "collector %,10.0f rec/s | ratio %.2f | steady: %,10.0f | %,10.0f | ratio %.2f", round,
                        passFirst ? "pass" : "collector", pass.whole(), collector.whole(),
                        collector.whole() / pass.whole(), pass.steady(), collector.steady(),
                        collector.steady() / pass.steady());
                System.out.println(line);
                lines.add(line);
            }
            System.out.println("records=" + records + ", " + input.description() + ", "
                    + (keep ? "applications kept running (a burst of new requests a round), "
                            + (frozen ? "the idle one's JVM stopped" : "the idle one paused")
                            : "an application started for each leg") + ", collector "
                    + "variant " + variant + ", " + OVERRIDES.getOrDefault(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1")
                    + " stream thread(s) each, identical Streams config (exactly_once_v2, commit "
                    + CollectorSettings.defaults(bootstrap, dir).commitInterval().toMillis() + " ms), "
                    + Runtime.getRuntime().availableProcessors() + " cores"
                    + (OVERRIDES.isEmpty() ? "" : ", overrides " + OVERRIDES)
                    + (BROKER_OVERRIDES.isEmpty() ? "" : ", broker settings " + BROKER_OVERRIDES));
            lines.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "median ratio %.2f over %d rounds (whole legs); steady state (10-90 %% "
                    + "of the input) %.2f%n", median(ratios), ratios.size(), median(steadyRatios));
            System.out.printf(Locale.ROOT, "median CPU per record in each application's threads while timed: "
                    + "pass-through %.1f us, collector %.1f us%n", median(passCpu), median(collectorCpu));
            if (!passBrokerCpu.isEmpty()) {
                System.out.printf(Locale.ROOT, "median CPU per record in the broker's JVM over each whole leg: "
                        + "pass-through %.1f us, collector %.1f us%n", median(passBrokerCpu),
                        median(collectorBrokerCpu));
            }
            long badPerLeg = input.badOnes(records);
            if (badPerLeg > 0) {
                // every collector leg, warm-ups included, reads each bad request of its burst once
                System.out.println(BenchDeadLetters.check(bootstrap, badPerLeg * (warmups + rounds)));
            }
        } finally {
            if (passFork != null) {
                passFork.thaw(); // a frozen JVM would never read the end of its commands
                passFork.close();
            }
            if (collectorFork != null) {
                collectorFork.thaw();
                collectorFork.close();
            }
            TempDirectories.deleteTree(dir);
        }
    }

    /**
     * One leg: the pass-through or the collector (the {@code bench.variant}), as application
     * {@code bench-<pass|collector>-<run>} with its state under {@code dir}.
     */
    static Rate leg(Admin admin, String bootstrap, Path dir, boolean collector, int run, int records)
            throws Exception {
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, dir.resolve("state-" + run))
                .withApplicationId((collector ? "bench-collector-" : "bench-pass-") + run);
        return run(admin, settings, topology(settings, collector), records);
    }

    /** The pass-through, or the collector as the {@code bench.variant} builds it. */
    static Topology topology(CollectorSettings settings, boolean collector) {
        if (!collector) {
            return passThrough();
        }
        var variant = CollectorVariants.named(System.getProperty("bench.variant", "full"));
        return variant.build(settings, new CollectorMetrics(new SimpleMeterRegistry()));
    }

    /**
     * {@code -Dbench.mode}: {@code running} (the default) keeps one application per topology through the run
     * ({@link PausedApplication}) and gives each round a burst of new requests; {@code fresh} starts an
     * application per leg on the same requests.
     */
    static boolean keepsApplications() {
        return either("bench.mode", "fresh", "running", true);
    }

    /**
     * {@code -Dbench.idle}: between its legs a kept application is {@code paused} (the default: Streams' pause, its
     * thread polling on) or also {@code frozen}, its JVM stopped with SIGSTOP from the leg's end (after its last
     * commit) to the next leg's start.
     */
    static boolean freezesIdleApplication() {
        return either("bench.idle", "paused", "frozen", false);
    }

    /** A property with two values: true for {@code yes}, false for {@code no}, anything else refused. */
    private static boolean either(String property, String no, String yes, boolean byDefault) {
        String value = System.getProperty(property, byDefault ? yes : no);
        if (!value.equals(yes) && !value.equals(no)) {
            throw new IllegalArgumentException(property + " must be " + no + " or " + yes + ", not " + value);
        }
        return value.equals(yes);
    }

    private static Rate runLeg(BenchFork fork, int run, boolean frozen) throws Exception {
        fork.thaw();
        try {
            return fork.run(run);
        } finally {
            if (frozen) {
                fork.freeze();
            }
        }
    }

    private static void addIfFinite(List<Double> values, double value) {
        if (Double.isFinite(value)) {
            values.add(value);
        }
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static Topology passThrough() {
        Topology topology = new Topology();
        topology.addSource("in", new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.REQUESTS);
        topology.addSink("out", PASS_THROUGH_TOPIC, new ByteArraySerializer(), new ByteArraySerializer(), "in");
        return topology;
    }

    private static long produce(String bootstrap, int records, BenchInput input, int burst) {
        long started = System.nanoTime();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(Topics.REQUESTS, BenchInput.requestId(burst, i),
                        input.request(burst, i)));
            }
            producer.flush();
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /**
     * Records per second over the whole leg (from RUNNING to the last commit) and in steady state: between the
     * commits that took the group past 10 % and past 90 % of the input, which leaves out joining the group,
     * opening stores and the last partial commit; and the CPU the application's own threads used per record over
     * the whole leg.
     */
    record Rate(double whole, double steady, double cpuMicrosPerRecord) {
    }

    /** The collector's Streams config with the overrides, for example {@code -Dbench.streams.producer.linger.ms=5}. */
    private static java.util.Properties streamsConfig(CollectorSettings settings) {
        java.util.Properties props = BatchCollector.streamsConfig(settings);
        props.putAll(OVERRIDES);
        return props;
    }

    private static Map<String, String> overrides(String prefix) {
        return System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(prefix))
                .collect(Collectors.toMap(name -> name.substring(prefix.length()), System::getProperty,
                        (a, b) -> b, TreeMap::new));
    }

    private static Rate run(Admin admin, CollectorSettings settings, Topology topology, int records)
            throws Exception {
        KafkaStreams streams = startRunning(settings, topology);
        try {
            return measure(admin, settings.applicationId(), settings.applicationId(), streams, records, () -> { });
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    /** The application started, once it is RUNNING. */
    static KafkaStreams startRunning(CollectorSettings settings, Topology topology) throws InterruptedException {
        KafkaStreams streams = new KafkaStreams(topology, streamsConfig(settings));
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.start();
        if (!running.await(60, TimeUnit.SECONDS)) {
            streams.close(Duration.ofSeconds(30));
            throw new IllegalStateException(settings.applicationId() + " did not start");
        }
        return streams;
    }

    /**
     * Times the application from {@code go} until its committed offsets reach the end of the input, as
     * {@code label}.
     */
    static Rate measure(Admin admin, String applicationId, String label, KafkaStreams streams, int records,
            Runnable go) throws Exception {
        long started = System.nanoTime();
        long startedAtMs = System.currentTimeMillis();
        long processCpuAtStart = processCpuNanos();
        long gcAtStart = gcMillis();
        Map<Long, Long> threadCpuAtStart = allThreadCpu();
        Map<String, Long> osThreadsAtStart = osThreadTicks();
        Map<String, Long> requestsAtStart = brokerRequests();
        long[] schedAtStart = streamThreadSchedule();
        go.run();
        Map<TopicPartition, Long> end = endOffsets(admin);
        long total = end.values().stream().mapToLong(Long::longValue).sum();
        // with more than one thread an application may commit before RUNNING is seen: count only what follows
        long base = committed(admin, applicationId, end.keySet());
        long counted = total - base;
        if (counted < records / 2) {
            System.out.printf(Locale.ROOT, "  %s: %,d of %,d records were committed before RUNNING was seen; "
                    + "the leg is not counted%n", label, records - counted, records);
            return new Rate(Double.NaN, Double.NaN, Double.NaN);
        }
        long tenthNs = -1;
        long tenth = 0;
        long ninetiethNs = -1;
        long ninetieth = 0;
        while (true) {
            long done = committed(admin, applicationId, end.keySet());
            long now = System.nanoTime();
            if (tenthNs < 0 && done - base >= counted / 10) {
                tenthNs = now;
                tenth = done;
            }
            if (ninetiethNs < 0 && done - base >= counted * 9 / 10) {
                ninetiethNs = now;
                ninetieth = done;
            }
            if (done >= total) {
                break;
            }
            if (now - started > TimeUnit.MINUTES.toNanos(10)) {
                throw new IllegalStateException(label + " did not finish in 10 minutes");
            }
            Thread.sleep(10);
        }
        double steady = ninetiethNs > tenthNs ? (ninetieth - tenth) / ((ninetiethNs - tenthNs) / 1e9)
                : Double.NaN;
        double seconds = (System.nanoTime() - started) / 1e9;
        double processCores = (processCpuNanos() - processCpuAtStart) / 1e9 / seconds;
        double cpuMicros = cpuNanos(applicationId, threadCpuAtStart) / 1e3 / counted;
        System.out.printf(Locale.ROOT, "  %s: %,.0f rec/s (steady %,.0f), %.1f us CPU/record in its threads, "
                + "%s %.2f of %d cores busy, %d ms in GC%n", label,
                counted / seconds, steady, cpuMicros,
                BROKER_IN_THIS_JVM ? "whole JVM (broker included)" : "its JVM", processCores,
                Runtime.getRuntime().availableProcessors(), gcMillis() - gcAtStart);
        if (Boolean.getBoolean("bench.threads")) {
            System.out.printf(Locale.ROOT, "    timed from %d to %d (epoch ms)%n", startedAtMs,
                    System.currentTimeMillis());
            printThreadRatios(streams);
            printBusiestThreads(threadCpuAtStart, records);
            printBusiestOsThreads(osThreadsAtStart, records);
            long[] sched = streamThreadSchedule();
            System.out.printf(Locale.ROOT, "    stream thread: %.0f ms on a core, %.0f ms runnable but waiting for "
                    + "one, of %.0f ms%n", (sched[0] - schedAtStart[0]) / 1e6, (sched[1] - schedAtStart[1]) / 1e6,
                    seconds * 1e3);
            Map<String, Long> requests = brokerRequests();
            requests.forEach((type, count) -> {
                long delta = count - requestsAtStart.getOrDefault(type, 0L);
                if (delta > 0) {
                    System.out.printf(Locale.ROOT, "    %8d broker requests %s%n", delta, type);
                }
            });
        }
        return new Rate(counted / seconds, steady, cpuMicros);
    }

    /**
     * CPU used by the application's threads (stream, producer and consumer network threads are all named after
     * it; for the collector also its {@code athena-} helper threads) since the leg's timing started, so a loaded machine can still compare the two topologies by work done
     * rather than by wall time. Opening stores, restoring and joining the group happen before RUNNING and are
     * left out, as they are from the rates.
     */
    private static long cpuNanos(String applicationId, Map<Long, Long> atStart) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains(applicationId)
                    || applicationId.startsWith("bench-collector") && thread.getName().startsWith("athena-")) {
                long cpu = Math.max(0, mx.getThreadCpuTime(thread.threadId())
                        - atStart.getOrDefault(thread.threadId(), 0L));
                sum += cpu;
                if (Boolean.getBoolean("bench.threads")) {
                    System.out.printf(Locale.ROOT, "    %6d ms %s%n", cpu / 1_000_000, thread.getName());
                }
            }
        }
        return sum;
    }

    /** Where the stream thread spent its time (Streams' own thread metrics), to tell waiting from working. */
    private static void printThreadRatios(KafkaStreams streams) {
        streams.metrics().forEach((name, metric) -> {
            boolean thread = name.group().equals("stream-thread-metrics") && (name.name().endsWith("-total")
                    || name.name().endsWith("-avg"));
            boolean client = CLIENT_METRICS.contains(name.group() + ":" + name.name())
                    && !name.tags().getOrDefault("client-id", "").contains("restore");
            if (thread || client) {
                System.out.printf(Locale.ROOT, "    %-22s %s%n", name.name(), metric.metricValue());
            }
        });
    }

    private static Map<Long, Long> allThreadCpu() {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new java.util.HashMap<>();
        for (long id : mx.getAllThreadIds()) {
            cpu.put(id, Math.max(0, mx.getThreadCpuTime(id)));
        }
        return cpu;
    }

    /** Every thread of the JVM (broker, JIT and GC threads are not Java threads and do not show), by CPU used. */
    private static void printBusiestThreads(Map<Long, Long> atStart, int records) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new java.util.TreeMap<>();
        allThreadCpu().forEach((id, cpu) -> {
            var info = mx.getThreadInfo(id);
            if (info != null) {
                String name = info.getThreadName().replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "*").replaceAll("\\d+", "N");
                byName.merge(name, cpu - atStart.getOrDefault(id, 0L), Long::sum);
            }
        });
        byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %6.1f us/record %s%n", e.getValue() / 1e3 / records,
                        e.getKey()));
    }

    /**
     * CPU ticks of every OS thread of this process by thread name (Linux only; empty elsewhere): this also sees
     * the JIT, GC and RocksDB threads, which are not Java threads.
     */
    private static Map<String, Long> osThreadTicks() {
        Map<String, Long> ticks = new java.util.HashMap<>();
        forEachOsThread((name, task) -> {
            long[] used = MemoryFigures.userAndSystemTicks(Files.readString(task.resolve("stat")));
            ticks.merge(name.replaceAll("\\d+", "N"), used[0] + used[1], Long::sum);
        });
        return ticks;
    }

    /**
     * Nanoseconds the benchmark's stream threads ran and waited on a run queue (Linux schedstat; zeros elsewhere):
     * tells a thread starved of a core from one waiting for the broker.
     */
    private static long[] streamThreadSchedule() {
        long[] sum = new long[2];
        forEachOsThread((name, task) -> {
            if (name.startsWith("bench-")) {
                String[] fields = Files.readString(task.resolve("schedstat")).trim().split(" ");
                sum[0] += Long.parseLong(fields[0]);
                sum[1] += Long.parseLong(fields[1]);
            }
        });
        return sum;
    }

    private interface OsThreadReader {
        void read(String name, Path task) throws IOException;
    }

    /** Each thread of this process under /proc/self/task, with its name; nothing where there is no /proc. */
    private static void forEachOsThread(OsThreadReader reader) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    reader.read(Files.readString(task.resolve("comm")).trim(), task);
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading
                }
            }
        } catch (IOException e) {
            // no /proc here: no figures
        }
    }

    private static void printBusiestOsThreads(Map<String, Long> atStart, int records) {
        Map<String, Long> now = osThreadTicks();
        now.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - atStart.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(14)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %6.1f us/record [os] %s%n",
                        e.getValue() * 10_000.0 / records, e.getKey()));
    }

    /**
     * Requests the in-process broker has handled, by type, and the milliseconds its handler threads spent on them
     * (its JMX request metrics, summed over versions).
     */
    private static Map<String, Long> brokerRequests() {
        var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        Map<String, Long> counts = new TreeMap<>();
        try {
            for (var name : server.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"),
                    null)) {
                counts.merge(name.getKeyProperty("request"), ((Number) server.getAttribute(name, "Count")).longValue(),
                        Long::sum);
            }
            for (var name : server.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=LocalTimeMs,*"),
                    null)) {
                double mean = ((Number) server.getAttribute(name, "Mean")).doubleValue();
                long count = ((Number) server.getAttribute(name, "Count")).longValue();
                counts.merge(name.getKeyProperty("request") + " local ms", Math.round(mean * count), Long::sum);
            }
        } catch (JMException e) {
            return Map.of();
        }
        return counts;
    }

    private static long gcMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Fresh partitions answer NOT_LEADER for a moment; producing into that only measures retries. */
    private static void awaitLeaders(Admin admin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            boolean ready;
            try {
                ready = admin.describeTopics(List.of(Topics.REQUESTS, Topics.BATCHES, PASS_THROUGH_TOPIC))
                        .allTopicNames().get().values().stream().flatMap(t -> t.partitions().stream())
                        .allMatch(p -> p.leader() != null);
            } catch (java.util.concurrent.ExecutionException e) {
                ready = false; // metadata not everywhere yet
            }
            if (ready) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        var partitions = admin.describeTopics(List.of(Topics.REQUESTS)).allTopicNames().get().get(Topics.REQUESTS)
                .partitions().stream().map(p -> new TopicPartition(Topics.REQUESTS, p.partition()))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        return admin.listOffsets(partitions).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static long committed(Admin admin, String group, Set<TopicPartition> partitions)
            throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> partitions.contains(e.getKey()) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }
}

package dev.athena.collector.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.athena.collector.state.CommitHook;
import dev.athena.collector.state.StoreKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.CompactionStyle;
import org.rocksdb.Options;

/**
 * The seen ids between commits, which the topology tests never show (TopologyTestDriver commits after every
 * record): here each record runs one step against {@link SeenIds} on RocksDB stores with the index's settings,
 * and a step may "commit" by calling the hook as Streams does. An id is known from the moment it is added and
 * written to the index only at the commit.
 */
class SeenIdsTest {
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");

    @TempDir
    Path stateDir;
    /** The driver of the test running, for a step to break a store as a failing disk would. */
    private TopologyTestDriver driver;

    /** What a step sees: the ids, the index, the commit hook, and a task start on the same stores. */
    record Step(SeenIds seen, KeyValueStore<String, Long> index, KeyValueStore<String, Long> position,
            Runnable commit, Function<SeenFilter, SeenIds> startWith, Path taskDirectory) {
        /** A task start on the same stores, with a filter of the test's capacity. */
        SeenIds start() {
            return startWith.apply(null);
        }
    }

    @Test
    void shouldKnowAnIdFromTheMomentItIsAddedAndWriteItDownAtTheCommit() {
        List<Object> seen = run(SeenFilter.DEFAULT_CAPACITY, List.of(START), step -> {
            step.seen().add(SeenIds.key("team-a", "r-1"));
            List<Object> before = List.of(step.seen().contains("team-a/r-1", "r-1"),
                    step.seen().contains("team-b/r-1", "r-1"), String.valueOf(step.index().get("team-a/r-1")));
            step.commit().run();
            return List.of(before, step.index().get("team-a/r-1"), step.seen().contains("team-a/r-1", "r-1"));
        });
        assertThat(seen).containsExactly(List.of(List.of(true, false, "null"), START.toEpochMilli(), true));
    }

    @Test
    void shouldKnowIdsTheWriterHasNotPutIntoTheIndexYet() {
        List<Runnable> writes = new ArrayList<>();
        List<Object> seen = run(SeenFilter.DEFAULT_CAPACITY, List.of(START), writes::add, step -> {
            step.seen().add("team-a/r-1");
            step.commit().run();
            List<Object> whileWriting = List.of(writes.size(), String.valueOf(step.index().get("team-a/r-1")),
                    step.seen().contains("team-a/r-1", "r-1"), step.seen().contains("team-a/r-2", "r-2"));
            writes.forEach(Runnable::run);
            return List.of(whileWriting, step.index().get("team-a/r-1"), step.position().get("ids-last-chunk") != null,
                    step.seen().contains("team-a/r-1", "r-1"));
        });
        assertThat(seen).containsExactly(List.of(List.of(1, "null", true, false), START.toEpochMilli(), true, true));
    }

    @Test
    void shouldFailTheTaskRatherThanMissARetryWhenTheIndexWriteFailed() {
        List<Runnable> writes = new ArrayList<>();
        List<Object> observed = new ArrayList<>();
        Throwable closing = catchThrowable(() -> run(SeenFilter.DEFAULT_CAPACITY, List.of(START), writes::add,
                step -> {
                    step.seen().add("team-a/r-1");
                    step.commit().run();
                    driver.getKeyValueStore(SeenIds.INDEX_STORE).close(); // the write fails, as on a broken disk
                    writes.forEach(Runnable::run);
                    step.seen().add("team-a/r-2");
                    observed.add(step.seen().contains("team-a/r-1", "r-1"));
                    observed.add(catchThrowable(step.commit()::run));
                    return observed;
                }));
        assertThat(observed.get(0)).as("still known while its write failed").isEqualTo(true);
        assertThat((Throwable) observed.get(1)).isInstanceOf(StreamsException.class)
                .hasMessageContaining("seen request ids");
        assertThat(closing).as("the driver's own commit at close fails alike").isInstanceOf(StreamsException.class);
    }

    @Test
    void shouldKnowIdsOfEveryGenerationOfTheFilter() {
        // a capacity of 3: the fourth id starts a second generation, the seventh a third
        List<Object> seen = run(3, List.of(START), step -> {
            IntStream.range(0, 7).forEach(i -> step.seen().add("team-a/r-" + i));
            return List.of(IntStream.range(0, 7).allMatch(i -> step.seen().contains("team-a/r-" + i, "r-" + i)),
                    step.seen().contains("team-a/r-7", "r-7"));
        });
        assertThat(seen).containsExactly(List.of(true, false));
    }

    /** A task that starts on an index holding more ids than one generation of the filter takes knows them all. */
    @Test
    void shouldFillTheFilterFromTheIndexWhenATaskStarts() {
        List<Object> seen = run(2, List.of(START), step -> {
            IntStream.range(0, 5).forEach(i -> step.seen().add("team-a/r-" + i));
            step.commit().run();
            SeenIds started = step.start();
            return List.of(IntStream.range(0, 5).allMatch(i -> started.contains("team-a/r-" + i, "r-" + i)),
                    started.contains("team-b/r-1", "r-1"), started.contains("team-a/r-5", "r-5"));
        });
        assertThat(seen).containsExactly(List.of(true, false, false));
    }

    /**
     * A clean close keeps the filter; the next start takes it instead of reading the index (from which one id is
     * deleted by hand: only the kept filter still has it) and deletes the file.
     */
    @Test
    void shouldTakeTheFilterTheLastCloseKeptWhileTheIndexIsWhereItWas() {
        List<Object> seen = run(2, List.of(START), step -> {
            step.index().put("r-legacy", START.toEpochMilli()); // an earlier build's id, without its client
            SeenIds first = step.start();
            IntStream.range(0, 5).forEach(i -> first.add("team-a/r-" + i));
            step.commit().run();
            first.close();
            Path kept = step.taskDirectory().resolve(FilterSnapshot.FILE);
            boolean keptAtClose = Files.exists(kept);
            step.index().delete("team-a/r-0");
            SeenFilter filter = new SeenFilter(2);
            SeenIds started = step.startWith().apply(filter);
            return List.of(keptAtClose, Files.exists(kept), filter.mightContain("team-a/r-0"), filter.generations(),
                    IntStream.range(1, 5).allMatch(i -> started.contains("team-a/r-" + i, "r-" + i)),
                    started.contains("team-b/r-legacy", "r-legacy"), started.contains("team-b/r-1", "r-1"));
        });
        assertThat(seen).containsExactly(List.of(true, false, true, 3, true, true, false));
    }

    /**
     * Chunks made after the close (the task ran elsewhere meanwhile) move the index on when the task starts: the
     * kept filter lacks their ids, so the filter is filled from the index.
     */
    @Test
    void shouldFillTheFilterFromTheIndexWhenTheLogMovedOnAfterTheClose() {
        List<Object> seen = run(SeenFilter.DEFAULT_CAPACITY, List.of(START), step -> {
            step.seen().add("team-a/r-1");
            step.commit().run();
            step.seen().close();
            WindowStore<Long, String> log = driver.getWindowStore(SeenIds.LOG_STORE);
            log.put(step.position().get("ids-last-chunk") + 60_000, "team-a/r-2", START.toEpochMilli());
            SeenIds started = step.start();
            return List.of(started.contains("team-a/r-1", "r-1"), started.contains("team-a/r-2", "r-2"),
                    Files.exists(step.taskDirectory().resolve(FilterSnapshot.FILE)));
        });
        assertThat(seen).containsExactly(List.of(true, true, false));
    }

    /** A filter kept by a build whose filter had another layout would miss ids it was given: it is never read. */
    @Test
    void shouldFillTheFilterFromTheIndexWhenTheKeptOneHasAnotherLayout() {
        // after the header's index position and time: the filter's layout
        assertThat(startAfterSpoilingTheKeptFilter(file -> file.write(
                java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(SeenFilter.LAYOUT + 1).flip(), 2 * Long.BYTES)))
                .as("filled from the index").containsExactly(List.of(true, false, false));
    }

    @Test
    void shouldFillTheFilterFromTheIndexWhenTheKeptOneDoesNotReadBackWhole() {
        assertThat(startAfterSpoilingTheKeptFilter(file -> file.truncate(file.size() - 1)))
                .as("filled from the index").containsExactly(List.of(true, false, false));
    }

    /** What a spoiled file may do to the kept filter, on an open channel. */
    private interface Spoil {
        void apply(FileChannel file) throws IOException;
    }

    /**
     * Two ids, a commit and a close that keeps the filter; then one id deleted from the index (only the kept filter
     * still has it) and the file spoiled. Returns, after a start: whether the other id is seen, whether the filter
     * has the deleted one, whether the file is still there.
     */
    private List<Object> startAfterSpoilingTheKeptFilter(Spoil spoil) {
        return run(SeenFilter.DEFAULT_CAPACITY, List.of(START), step -> {
            step.seen().add("team-a/r-1");
            step.seen().add("team-a/r-2");
            step.commit().run();
            step.seen().close();
            step.index().delete("team-a/r-1");
            Path kept = step.taskDirectory().resolve(FilterSnapshot.FILE);
            try (FileChannel file = FileChannel.open(kept, StandardOpenOption.WRITE)) {
                spoil.apply(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SeenFilter filter = new SeenFilter(SeenFilter.DEFAULT_CAPACITY);
            SeenIds started = step.startWith().apply(filter);
            return List.of(started.contains("team-a/r-2", "r-2"), filter.mightContain("team-a/r-1"),
                    Files.exists(kept));
        });
    }

    @Test
    void shouldForgetAnIdOnceStreamTimeIsPastItsRetention() {
        Instant last = START.plus(RETENTION);
        List<Object> seen = run(SeenFilter.DEFAULT_CAPACITY, List.of(START, last, last.plusMillis(1)), step -> {
            if (step.index().get("team-a/r-1") == null) {
                step.seen().add("team-a/r-1");
                return "added";
            }
            return step.seen().contains("team-a/r-1", "r-1");
        });
        assertThat(seen).containsExactly("added", true, false);
    }

    @Test
    void shouldFillANewIndexFromTheLogWhenATaskStarts() {
        // ids go to the log and the index at the commit; then the index is emptied as a new build's (or a wiped
        // machine's) would be, and the task starts again from the log
        List<Object> seen = run(SeenFilter.DEFAULT_CAPACITY, List.of(START), step -> {
            step.seen().add("team-a/r-1");
            step.seen().add("r-legacy");
            step.commit().run();
            step.index().delete("team-a/r-1");
            step.index().delete("r-legacy");
            step.position().delete("ids-last-chunk");
            SeenIds started = step.start();
            return List.of(step.index().get("team-a/r-1"), started.contains("team-a/r-1", "r-1"),
                    started.contains("team-b/r-legacy", "r-legacy"), started.contains("team-b/r-1", "r-1"));
        });
        assertThat(seen).containsExactly(List.of(START.toEpochMilli(), true, true, false));
    }

    /**
     * The index's files are deleted by wall-clock age, ids forgotten by stream time: after more than a day away a
     * task may resume at a stream time for which ids of deleted files are still live, so it takes every chunk of
     * the log again; back within the day it trusts its index (here emptied by hand, as FIFO compaction empties it).
     */
    @Test
    void shouldPutTheWholeLogIntoTheIndexAgainAfterADayAwayWhenItsFilesMayHaveExpired() {
        List<Object> seen = run(SeenFilter.DEFAULT_CAPACITY, List.of(START, START, START), Runnable::run,
                List.of(Duration.ZERO, Duration.ofHours(23), Duration.ofHours(3)), step -> {
                    if (step.index().get("team-a/r-1") == null && step.position().get(SeenIds.WRITTEN_AT) == null) {
                        step.seen().add("team-a/r-1");
                        step.commit().run();
                        step.index().delete("team-a/r-1");
                        return "added, then lost from the index";
                    }
                    return List.of(step.start().contains("team-a/r-1", "r-1"),
                            String.valueOf(step.index().get("team-a/r-1")));
                });
        assertThat(seen).containsExactly("added, then lost from the index", List.of(false, "null"),
                List.of(true, Long.toString(START.toEpochMilli())));
    }

    @Test
    void shouldGiveOnlyTheIndexFifoCompactionWithoutSizeLimitOrStalls() {
        try (Options index = new Options(); Options other = new Options()) {
            SeenIndexRocksDb forIndex = new SeenIndexRocksDb();
            forIndex.setConfig(SeenIds.INDEX_STORE, index, Map.of());
            new SeenIndexRocksDb().setConfig(SeenIds.LOG_STORE, other, Map.of());

            assertThat(index.compactionStyle()).isEqualTo(CompactionStyle.FIFO);
            assertThat(index.ttl()).isEqualTo(Duration.ofHours(48).toSeconds());
            assertThat(index.compactionOptionsFIFO().maxTableFilesSize()).isEqualTo(Long.MAX_VALUE);
            assertThat(index.level0StopWritesTrigger()).isGreaterThan(1_000_000);
            assertThat(index.allowConcurrentMemtableWrite()).isFalse();
            assertThat(other.compactionStyle()).isNotEqualTo(CompactionStyle.FIFO);
            assertThat(other.allowConcurrentMemtableWrite()).isTrue();
            forIndex.close(SeenIds.INDEX_STORE, index);
        }
    }

    /** One record per timestamp (stream time), each running {@code step}; returns what each step returned. */
    private List<Object> run(long filterCapacity, List<Instant> timestamps, Function<Step, Object> step) {
        return run(filterCapacity, timestamps, Runnable::run, step);
    }

    /** As above, with the index written by {@code writer}. */
    private List<Object> run(long filterCapacity, List<Instant> timestamps, Executor writer,
            Function<Step, Object> step) {
        return run(filterCapacity, timestamps, writer, timestamps.stream().map(t -> Duration.ZERO).toList(), step);
    }

    /** As above, the wall clock moving on by {@code wallClockBefore} (one for each timestamp) before each record. */
    private List<Object> run(long filterCapacity, List<Instant> timestamps, Executor writer,
            List<Duration> wallClockBefore, Function<Step, Object> step) {
        List<Object> observed = new ArrayList<>();
        Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "in");
        topology.addProcessor("steps", () -> new Processor<String, String, Object, Object>() {
            private Step current;

            @Override
            public void init(ProcessorContext<Object, Object> context) {
                SeenIds seen = new SeenIds(context, RETENTION, new SeenFilter(filterCapacity), writer);
                CommitHook hook = context.getStateStore(SeenIds.COMMIT_HOOK);
                current = new Step(seen, context.getStateStore(SeenIds.INDEX_STORE),
                        context.getStateStore(SeenIds.INDEX_POSITION_STORE), hook::flushCache,
                        filter -> new SeenIds(context, RETENTION,
                                filter == null ? new SeenFilter(filterCapacity) : filter, writer),
                        context.stateDir().toPath());
            }

            @Override
            public void process(Record<String, String> record) {
                observed.add(step.apply(current));
            }
        }, "in");
        SeenIds.stores(StoreKind.PERSISTENT, RETENTION).forEach(store -> topology.addStateStore(store, "steps"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "seen-ids-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, SeenIndexRocksDb.class.getName());
        try (var started = new TopologyTestDriver(topology, props, START)) {
            driver = started;
            var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            for (int i = 0; i < timestamps.size(); i++) {
                driver.advanceWallClockTime(wallClockBefore.get(i));
                in.pipeInput("k", "v", timestamps.get(i));
            }
        }
        return observed;
    }
}

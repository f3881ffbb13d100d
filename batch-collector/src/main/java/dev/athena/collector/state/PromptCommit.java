package dev.athena.collector.state;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Asks Streams to commit at once when a task sends output while its stream thread is quiet: no output for a commit
 * interval and only a few records read since the last commit. Streams commits on a clock of its own, every
 * {@code commit.interval.ms}, so on a quiet input a lone request's batch or cached answer waited 0-50 ms for the
 * next tick before a read-committed consumer could see it. Under load the thread sends output every few
 * milliseconds and reads hundreds of records between commits, so this never asks, not even right after a commit
 * that took longer than an interval; in between it adds at most one commit per interval.
 *
 * <p>The clock is the thread's, not the task's: under exactly-once v2 a commit covers every task of the thread,
 * and six quiet tasks must not make six times as many commits as one busy thread would.
 */
public final class PromptCommit {
    /** Records read since the last commit beyond which the input is not quiet. */
    static final int QUIET_RECORDS = 16;
    private static final ThreadLocal<Activity> THREAD = ThreadLocal.withInitial(Activity::new);
    private final ProcessorContext<?, ?> context;
    private final long intervalMs;
    private final Activity thread;

    /** What the stream thread did since it last committed. */
    static final class Activity {
        long lastOutputMs = Long.MIN_VALUE / 2;
        int recordsSinceCommit;
    }

    /**
     * With the application's own {@code commit.interval.ms}, on the calling (stream) thread; learns of the thread's
     * commits through {@code hook}, under the listener name {@code listener}.
     */
    public PromptCommit(ProcessorContext<?, ?> context, CommitHook hook, String listener) {
        this(context, hook, listener, THREAD.get());
    }

    PromptCommit(ProcessorContext<?, ?> context, CommitHook hook, String listener, Activity thread) {
        this.context = context;
        this.intervalMs = Long.parseLong(String.valueOf(
                context.appConfigs().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)));
        this.thread = thread;
        hook.onCommit(listener, () -> thread.recordsSinceCommit = 0);
    }

    /** Call for each input record, on the stream thread. */
    public void recordRead() {
        thread.recordsSinceCommit++;
    }

    /** Call after forwarding output that someone waits for, on the stream thread. */
    public void outputSent() {
        long now = context.currentSystemTimeMs();
        if (now - thread.lastOutputMs >= intervalMs && thread.recordsSinceCommit <= QUIET_RECORDS) {
            context.commit();
        }
        thread.lastOutputMs = now;
    }
}

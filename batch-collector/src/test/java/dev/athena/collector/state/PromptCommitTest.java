package dev.athena.collector.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class PromptCommitTest {
    /** The stream thread's activity, shared by the tasks on it. */
    private final PromptCommit.Activity thread = new PromptCommit.Activity();
    private final CommitHook hook = CommitHook.builder("prompt-commit-test-hook").build();
    private final MockProcessorContext<Object, Object> task = new MockProcessorContext<>(config("50"));
    private final MockProcessorContext<Object, Object> otherTask = new MockProcessorContext<>(config("50"));

    private static Properties config(String commitIntervalMs) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "prompt-commit-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        return props;
    }

    private PromptCommit prompt(MockProcessorContext<Object, Object> context) {
        return new PromptCommit(context, hook, "prompt-commit", thread);
    }

    private static void at(long ms, MockProcessorContext<?, ?>... contexts) {
        for (MockProcessorContext<?, ?> context : contexts) {
            context.setCurrentSystemTimeMs(ms);
            context.resetCommit();
        }
    }

    /** What a lone request does: one record read, its output an interval or more after the last output. */
    private static void lone(PromptCommit prompt) {
        prompt.recordRead();
        prompt.outputSent();
    }

    @Test
    void shouldAskForACommitForLoneRequestsOutput() {
        PromptCommit prompt = prompt(task);
        at(1_000, task);
        lone(prompt);
        assertThat(task.committed()).isTrue();

        hook.flushCache();
        at(1_060, task);
        lone(prompt);
        assertThat(task.committed()).isTrue();
    }

    @Test
    void shouldLeaveOutputToTheIntervalCommitWhileOutputKeepsComing() {
        PromptCommit prompt = prompt(task);
        at(1_000, task);
        lone(prompt);

        for (long ms = 1_010; ms <= 1_500; ms += 10) {
            at(ms, task);
            lone(prompt);
            assertThat(task.committed()).as("output at %d ms", ms).isFalse();
            if (ms % 50 == 0) {
                hook.flushCache();
            }
        }
    }

    @Test
    void shouldNotAskWhenManyRecordsWereReadSinceTheLastCommit() {
        PromptCommit prompt = prompt(task);
        at(1_000, task);
        lone(prompt);
        hook.flushCache();

        // a commit that took longer than an interval, with records waiting behind it
        at(1_100, task);
        for (int i = 0; i < PromptCommit.QUIET_RECORDS + 1; i++) {
            prompt.recordRead();
        }
        prompt.outputSent();
        assertThat(task.committed()).isFalse();

        hook.flushCache();
        at(1_200, task);
        lone(prompt);
        assertThat(task.committed()).as("the count starts again at each commit").isTrue();
    }

    @Test
    void shouldShareOneClockBetweenTheTasksOfAThread() {
        PromptCommit prompt = prompt(task);
        PromptCommit other = prompt(otherTask);
        at(1_000, task, otherTask);
        lone(prompt);
        hook.flushCache();

        at(1_049, task, otherTask);
        lone(other);
        assertThat(otherTask.committed()).isFalse();

        at(1_098, task, otherTask);
        lone(prompt);
        assertThat(task.committed()).as("49 ms after the other task's output").isFalse();
    }

    @Test
    void shouldUseTheApplicationsCommitInterval() {
        MockProcessorContext<Object, Object> slow = new MockProcessorContext<>(config("200"));
        PromptCommit prompt = prompt(slow);
        at(1_000, slow);
        lone(prompt);
        hook.flushCache();

        at(1_150, slow);
        lone(prompt);
        assertThat(slow.committed()).isFalse();
    }
}

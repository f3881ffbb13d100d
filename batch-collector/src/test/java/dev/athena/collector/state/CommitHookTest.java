package dev.athena.collector.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.Test;

/**
 * Streams flushes the tasks of one commit one after another, each followed by a wait for the broker; the hooks of
 * one topology on one stream thread therefore all write at the first task's flush.
 */
class CommitHookTest {
    private final List<String> written = new ArrayList<>();

    @Test
    void shouldWriteForEveryTaskOfTheThreadAtTheFirstTasksFlush() {
        StoreBuilder<CommitHook> builder = CommitHook.builder("hook");
        CommitHook first = builder.build();
        CommitHook second = builder.build();
        first.onCommit("items", () -> written.add("task 0_0"));
        second.onCommit("items", () -> written.add("task 0_1"));

        first.flushCache();

        assertThat(written).containsExactlyInAnyOrder("task 0_0", "task 0_1");
    }

    @Test
    void shouldLeaveTasksOfOtherThreadsAndOtherTopologiesAlone() throws InterruptedException {
        StoreBuilder<CommitHook> builder = CommitHook.builder("hook");
        CommitHook here = builder.build();
        here.onCommit("items", () -> written.add("this thread"));
        CommitHook elsewhere = builder.build();
        Thread other = new Thread(() -> elsewhere.onCommit("items", () -> written.add("other thread")));
        other.start();
        other.join();
        CommitHook otherTopology = CommitHook.builder("hook").build();
        otherTopology.onCommit("items", () -> written.add("other topology"));

        here.flushCache();

        assertThat(written).containsExactly("this thread");
    }

    @Test
    void shouldForgetAClosedTasksListeners() {
        StoreBuilder<CommitHook> builder = CommitHook.builder("hook");
        CommitHook open = builder.build();
        CommitHook closed = builder.build();
        open.onCommit("items", () -> written.add("open"));
        closed.onCommit("items", () -> written.add("closed"));

        closed.close();
        open.flushCache();
        closed.flushCache();

        assertThat(written).containsExactly("open", "open");
    }

    @Test
    void shouldStillRunItsOwnListenersWhenFlushedFromAnotherThread() throws InterruptedException {
        CommitHook hook = CommitHook.builder("hook").build();
        hook.onCommit("items", () -> written.add("own"));
        Thread other = new Thread(hook::flushCache);
        other.start();
        other.join();

        assertThat(written).containsExactly("own");
    }

    @Test
    void shouldReplaceAListenerOfTheSameNameWhenATaskIsInitialisedAgain() {
        CommitHook hook = CommitHook.builder("hook").build();
        hook.onCommit("items", () -> written.add("before suspension"));
        hook.onCommit("items", () -> written.add("after"));

        hook.flushCache();

        assertThat(written).containsExactly("after");
    }
}

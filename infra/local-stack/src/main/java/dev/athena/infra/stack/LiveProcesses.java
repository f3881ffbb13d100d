package dev.athena.infra.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Whether a process that is not our child still runs. {@link ProcessHandle#isAlive()} counts a zombie as alive: a
 * process killed outright stays one until its parent reaps it, which under a container's shell as process 1 may be
 * never, and a pipeline killed there would keep refusing the next start on its data directory for good.
 */
public final class LiveProcesses {
    private static final Duration POLL = Duration.ofMillis(100);

    private LiveProcesses() {
    }

    /** Alive and not a zombie (Linux: state Z or X in {@code /proc/<pid>/stat}; elsewhere as the JDK says). */
    public static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // "pid (comm) S ...": the name may hold spaces and parentheses, the state follows the last ')'
            int end = stat.lastIndexOf(')');
            char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : 'R';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return process.isAlive(); // no /proc here, or the process has just gone
        }
    }

    /** Waits up to {@code limit} for {@code process} to stop running; false if it still runs then. */
    public static boolean awaitGone(ProcessHandle process, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (running(process)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL);
        }
        return true;
    }
}

package dev.athena.infra.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server process that a JVM killed outright (SIGKILL, the kernel's out-of-memory killer) left running on its data
 * directory: no shutdown hook ran, so nothing stopped it. Found by the process id the server's start left in that
 * directory, and stopped before a new server starts there: a PostgreSQL left running holds its cluster (the new
 * one never comes up), and a Redis left running would write its stale data over the new one's when it stopped.
 *
 * <p>A process counts only if it still runs {@code executable} and started before the id was written: after a
 * reboot the id may belong to an unrelated process.
 */
final class LeftoverServer {
    private static final Logger LOG = LoggerFactory.getLogger(LeftoverServer.class);
    private static final Duration POLITE = Duration.ofSeconds(15);
    private static final Duration FORCED = Duration.ofSeconds(10);
    /** Process start times are read at a coarser grain than file times. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(2);

    private LeftoverServer() {
    }

    /**
     * Stops the process whose id is the first line of {@code pidFile}, if it is still a running {@code executable}
     * that was there when the file was written: SIGTERM (both servers save and exit on it), then SIGKILL.
     */
    static void stopIfRunning(Path pidFile, String executable, String what) {
        Optional<ProcessHandle> left = find(pidFile, executable);
        if (left.isEmpty()) {
            return;
        }
        ProcessHandle process = left.get();
        LOG.warn("stopping {} (process {}), left running on {} by a run that ended without stopping it", what,
                process.pid(), pidFile.getParent());
        process.destroy();
        if (!exited(process, POLITE)) {
            process.destroyForcibly();
            if (!exited(process, FORCED)) {
                throw new IllegalStateException(what + " (process " + process.pid() + ") left running on "
                        + pidFile.getParent() + " does not stop; stop it, then start again");
            }
        }
    }

    static Optional<ProcessHandle> find(Path pidFile, String executable) {
        Instant written;
        long pid;
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            written = Files.getLastModifiedTime(pidFile).toInstant();
            pid = Long.parseLong(Files.readAllLines(pidFile).stream().findFirst().orElse("").strip());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(LiveProcesses::running)
                .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString().startsWith(executable))
                        .orElse(false))
                .filter(p -> p.info().startInstant().map(s -> !s.isAfter(written.plus(CLOCK_SLACK))).orElse(false));
    }

    /** Not {@code onExit()}: it waits for the process to be reaped, and nobody may reap an orphan of ours. */
    private static boolean exited(ProcessHandle process, Duration limit) {
        try {
            return LiveProcesses.awaitGone(process, limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !LiveProcesses.running(process);
        }
    }
}

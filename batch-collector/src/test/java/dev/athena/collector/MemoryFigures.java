package dev.athena.collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Over one benchmark leg: the broker JVM's user and system CPU, the bytes the broker and the forks wrote into
 * files, the growth of the machine's page cache, and the memory a virtual machine with free page reporting handed
 * back to its host; read from {@code /proc} and {@code /sys} (Linux, 100 ticks a second; -1 or 0 where absent).
 *
 * <p>Why: on a guest that reports free pages to its host, memory touched for the first time (or again after it was
 * reported) is supplied by the host page by page, which costs the toucher ~1.7 ms of system time per MB against
 * ~0.14 for memory in use. New page cache is such memory, so a leg pays for every MB its files grow by, and not
 * only for bytes written: each Kafka index file is a 10 MB sparse file that the broker maps, and the first write
 * into it reads ahead as far as the disk's {@code read_ahead_kb} (8 MB here) of zeros into the page cache.
 */
record MemoryFigures(long userMillis, long systemMillis, long brokerWrittenBytes, long forksWrittenBytes,
        long pageCacheKib, long reportedKib) {
    private static final Path REPORTED = Path.of("/sys/module/page_reporting/parameters/reported_kib");

    /** Now, for this JVM (the broker's) and the forks'. */
    static MemoryFigures now(List<Long> forkPids) {
        long[] cpu = cpuMillis();
        long forks = forkPids.stream().mapToLong(pid -> writtenBytes(Path.of("/proc", pid.toString(), "io"))).sum();
        return new MemoryFigures(cpu[0], cpu[1], writtenBytes(Path.of("/proc/self/io")), forks,
                meminfoKib("Cached:"), readLong(REPORTED));
    }

    /** One line: what changed since {@code before}. */
    String since(MemoryFigures before) {
        String line = String.format(Locale.ROOT, "    broker JVM %,d ms user, %,d ms system; files written: broker %,d"
                + " MB, applications %,d MB; page cache %+,d MB", userMillis - before.userMillis,
                systemMillis - before.systemMillis, (brokerWrittenBytes - before.brokerWrittenBytes) >> 20,
                (forksWrittenBytes - before.forksWrittenBytes) >> 20, (pageCacheKib - before.pageCacheKib) / 1024);
        return reportedKib < 0 ? line : line + String.format(Locale.ROOT, "; free memory reported to the host %+,d MB",
                (reportedKib - before.reportedKib) / 1024);
    }

    private static long[] cpuMillis() {
        try {
            long[] ticks = userAndSystemTicks(Files.readString(Path.of("/proc/self/stat")));
            return new long[] {ticks[0] * 10, ticks[1] * 10};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /**
     * User and system CPU ticks (of 10 ms) from a process's or thread's {@code stat}: its fields 14 and 15, 11 and
     * 12 after the command name, which may hold spaces and parentheses itself.
     */
    static long[] userAndSystemTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    }

    /** Bytes the process has written into files ({@code write_bytes}: counted as pages are dirtied). */
    private static long writtenBytes(Path io) {
        try {
            return Files.readAllLines(io).stream().filter(line -> line.startsWith("write_bytes:"))
                    .findFirst().map(line -> Long.parseLong(line.substring("write_bytes:".length()).trim()))
                    .orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long meminfoKib(String field) {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith(field))
                    .findFirst().map(line -> Long.parseLong(line.substring(field.length()).trim().split(" ")[0]))
                    .orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long readLong(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}

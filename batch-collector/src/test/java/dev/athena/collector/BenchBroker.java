package dev.athena.collector;

import dev.athena.infra.stack.EmbeddedKafka;
import dev.athena.infra.stack.TempDirectories;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A broker of its own for {@link CollectorBenchmark} ({@code -Dbench.bootstrap}), so the broker can run in
 * another process, on other cores, as it would on machines of its own. Runs until stopped (SIGTERM), then
 * deletes its log directory: a benchmark run writes gigabytes there.
 */
public final class BenchBroker {
    private BenchBroker() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Files.createTempDirectory("bench-broker-");
        EmbeddedKafka kafka = EmbeddedKafka.start(dir, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            TempDirectories.deleteTree(dir);
        }, "bench-broker-stop"));
        System.out.println("bench broker ready on " + kafka.bootstrap());
        Thread.currentThread().join();
    }
}

package dev.athena.collector;

import dev.athena.infra.stack.TempDirectories;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One topology's legs of {@link CollectorBenchmark} in a JVM of its own, as each topology runs in production.
 * When both topologies alternate in one JVM, each leg finds the Kafka client code it shares with the other
 * compiled for the other's profile; C2 then spends seconds of every leg recompiling it on the same two cores.
 * Forks keep each topology's JIT profile its own, the way JMH forks per benchmark.
 *
 * <p>The parent writes a round number per line to the fork's standard input; the fork runs that leg against the
 * parent's broker and answers with one {@value #RESULT} line, after the leg's own report lines.
 */
final class BenchFork implements AutoCloseable {
    private static final String RESULT = "bench-leg-result ";
    /** Printed by a fork that keeps its application, once that application is running and paused. */
    private static final String READY = "bench-fork-ready";
    private final String topology;
    private final Process process;
    private final BufferedReader output;
    private final PrintWriter commands;
    private boolean frozen;

    private BenchFork(String topology, Process process) {
        this.topology = topology;
        this.process = process;
        this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /**
     * A fork with this JVM's options; a flight recording's {@code x.jfr} becomes {@code x-<topology>.jfr}, so each
     * JVM writes a file of its own.
     */
    static BenchFork start(String topology, String bootstrap, int records) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .map(option -> option.startsWith("-XX:StartFlightRecording")
                        ? option.replace(".jfr", "-" + topology + ".jfr") : option)
                .forEach(command::add);
        command.addAll(List.of("-Dbench.bootstrap=" + bootstrap, "-cp", System.getProperty("java.class.path"),
                BenchFork.class.getName(), topology, Integer.toString(records)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BenchFork fork = new BenchFork(topology, process);
        if (CollectorBenchmark.keepsApplications()) {
            fork.awaitReady();
        }
        return fork;
    }

    private void awaitReady() throws IOException {
        String line;
        while ((line = output.readLine()) != null) {
            if (line.equals(READY)) {
                return;
            }
            System.out.println(line);
        }
        throw new IllegalStateException("the " + topology + " fork ended before its application ran");
    }

    long pid() {
        return process.pid();
    }

    /**
     * Stops the fork's JVM (SIGSTOP) until {@link #thaw()}: none of its threads runs, so an idle application
     * neither takes CPU from the other's leg nor runs its paused loop, whose branches make C2 compile the Kafka
     * client code again for the next leg. Its consumer misses heartbeats meanwhile, but a freeze (a burst and the
     * other leg, seconds) stays well within the group's 45 s session.
     */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
        frozen = true;
    }

    /** Lets a frozen fork run again; nothing for one that is not frozen. */
    void thaw() throws IOException, InterruptedException {
        if (frozen) {
            signal("CONT");
            frozen = false;
        }
    }

    /** A fork that has already ended needs no signal (and {@code kill} would fail, hiding why it ended). */
    private void signal(String name) throws IOException, InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " of the " + topology + " fork failed: " + said);
        }
    }

    /** Runs one leg in the fork, passing its report lines through, and returns its rate. */
    CollectorBenchmark.Rate run(int round) throws IOException, InterruptedException {
        commands.println(round);
        String line;
        while ((line = output.readLine()) != null) {
            if (line.startsWith(RESULT)) {
                String[] figures = line.substring(RESULT.length()).split(" ");
                return new CollectorBenchmark.Rate(Double.parseDouble(figures[0]), Double.parseDouble(figures[1]),
                        Double.parseDouble(figures[2]));
            }
            System.out.println(line);
        }
        throw new IllegalStateException("the " + topology + " fork ended with exit code " + process.waitFor());
    }

    @Override
    public void close() throws InterruptedException {
        commands.close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The fork: {@code -Dbench.bootstrap=<broker> ... <pass|collector> <records>}, then round numbers on standard
     * input.
     */
    public static void main(String[] args) throws Exception {
        boolean collector = switch (args[0]) {
            case "collector" -> true;
            case "pass" -> false;
            default -> throw new IllegalArgumentException("topology must be pass or collector, not " + args[0]);
        };
        String bootstrap = System.getProperty("bench.bootstrap");
        int records = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("collector-bench-fork-");
        PausedApplication kept = null;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            if (CollectorBenchmark.keepsApplications()) {
                kept = PausedApplication.start(bootstrap, dir, collector);
                System.out.println(READY);
            }
            var rounds = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String round;
            while ((round = rounds.readLine()) != null) {
                int run = Integer.parseInt(round.trim());
                var rate = kept != null ? kept.leg(admin, run, records)
                        : CollectorBenchmark.leg(admin, bootstrap, dir, collector, run, records);
                System.out.println(String.format(Locale.ROOT, "%s%s %s %s", RESULT, rate.whole(), rate.steady(),
                        rate.cpuMicrosPerRecord()));
            }
        } finally {
            if (kept != null) {
                kept.close();
            }
            TempDirectories.deleteTree(dir);
        }
    }
}

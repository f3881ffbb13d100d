package dev.athena.ingest.scan;

import dev.athena.ingest.Durations;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.validation.AskedRoute;
import dev.athena.schemas.validation.IdSyntax;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code scan DIR --client ID [--type T] [--provider NAME] [--model NAME] [--every 1h | --cron "0 0 * * * *"]
 * [--timeout 30m] [--name REPO] [--include GLOB]... [--exclude GLOB]... [--gitignore on|off] [--fail-on SEVERITY]
 * [--report-dir DIR] [--kafka HOST:PORT] [--db-url URL] [--db-user U] [--db-password P]}. Without a schedule it
 * scans once and exits with {@link #exitCode}; with one it scans on every start until interrupted. Connection
 * settings fall back to ATHENA_KAFKA_BOOTSTRAP, ATHENA_DB_URL, ATHENA_DB_USER, ATHENA_DB_PASSWORD.
 */
public final class ScanCommand {
    /** Some file failed or was rejected. */
    public static final int FAILED = 1;
    /** Every file was answered or reused, but some are still pending. */
    public static final int PENDING = 2;
    /** The repository has findings at or above the severity of {@code --fail-on}. */
    public static final int FINDINGS = 3;
    /** The command line was wrong. */
    public static final int USAGE = 64;

    private ScanCommand() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(List.of(args), System.getenv(), System.out));
    }

    public static int run(List<String> args, Map<String, String> env, PrintStream out) throws InterruptedException {
        ScanSettings settings;
        ScanSchedule schedule;
        Severity failOn;
        try {
            Checked command = Checked.of(args, env);
            settings = command.settings();
            schedule = command.schedule();
            failOn = command.failOn();
        } catch (IllegalArgumentException e) {
            out.println("athena scan: " + e.getMessage());
            out.println("usage: athena scan DIR --client ID [--type " + AnalysisType.wireNames().replace(", ", "|")
                    + "] [--provider NAME] [--model NAME] [--every 1h | --cron EXPR] [--timeout 30m] [--include GLOB]"
                    + " [--exclude GLOB] [--gitignore on|off] [--fail-on " + severities() + "] [--name REPO]"
                    + " [--report-dir DIR] [--kafka HOST:PORT] [--db-url URL]");
            return USAGE;
        }
        if (schedule == null) {
            try {
                ScanReport report = RepositoryScan.run(settings);
                print(report, out);
                int code = exitCode(report, failOn);
                if (code == FINDINGS) {
                    out.println("athena scan: " + atOrAbove(report, failOn) + " findings at or above "
                            + failOn.wireName() + " (--fail-on " + failOn.wireName() + ")");
                }
                return code;
            } catch (ScanFailedException | ScanAlreadyRunningException e) {
                out.println("athena scan: " + e.getMessage());
                return FAILED;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (ScanScheduler scheduler = ScanScheduler.start(report -> print(report, out))) {
            var scheduled = scheduler.schedule(settings, schedule);
            out.println("athena scan: scanning " + settings.repository() + " now and then " + schedule
                    + " (Ctrl-C stops)");
            scheduler.runNow(settings);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "athena-scan-stop"));
            stopped.await();
            scheduled.cancel();
        }
        return 0;
    }

    /**
     * What is wrong with the command line, as {@link #run} would tell it (and return {@link #USAGE}), without
     * touching any server: callers that would start servers for the scan ask first.
     */
    public static Optional<String> problem(List<String> args, Map<String, String> env) {
        try {
            Checked.of(args, env);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * 0 when every file was answered and nothing reaches {@code failOn} (null: findings never fail the scan);
     * otherwise, the first that applies: {@link #FAILED}, {@link #FINDINGS} (counting the findings of unchanged
     * files, which the report keeps from earlier scans), {@link #PENDING}.
     */
    static int exitCode(ScanReport report, Severity failOn) {
        if (report.failed() + report.rejected() > 0) {
            return FAILED;
        }
        if (failOn != null && atOrAbove(report, failOn) > 0) {
            return FINDINGS;
        }
        return report.pending() > 0 ? PENDING : 0;
    }

    private static int atOrAbove(ScanReport report, Severity threshold) {
        int count = 0;
        for (Severity s : Severity.values()) {
            if (s.ordinal() <= threshold.ordinal()) {
                count += report.findingsBySeverity().get(s);
            }
        }
        return count;
    }

    private static String severities() {
        return String.join("|", java.util.Arrays.stream(Severity.values()).map(Severity::wireName).toList());
    }

    static void print(ScanReport r, PrintStream out) {
        out.printf(Locale.ROOT, "athena scan %s of %s: %d files, %d unchanged, %d submitted: %d completed, %d failed,"
                + " %d rejected, %d pending; %d skipped; findings %s%n", r.scanId(), r.repoName(), r.scanned(),
                r.skippedUnchanged(), r.submitted(), r.completed(), r.failed(), r.rejected(), r.pending(),
                r.skipped().size(), r.findingsBySeverity());
        if (r.degraded() > 0) {
            out.println("  degraded " + r.degraded() + " answer(s) came from the built-in analyser standing in for the"
                    + " provider asked for (its key or URL missing, or it failing); the next scan asks again");
        }
        r.pendingFiles().forEach(p -> out.println("  pending " + p.path() + " (request " + p.requestId() + ")"));
        out.println("  sarif   " + r.sarif());
        out.println("  summary " + r.summary());
        out.flush();
    }

    /** A command line read and every value checked; {@code schedule} and {@code failOn} may be null. */
    private record Checked(ScanSettings settings, ScanSchedule schedule, Severity failOn) {
        static Checked of(List<String> args, Map<String, String> env) {
            Parsed parsed = Parsed.of(args);
            Checked command = new Checked(parsed.settings(env), parsed.schedule(), parsed.failOn());
            if (command.failOn() != null && command.schedule() != null) {
                throw new IllegalArgumentException("--fail-on sets the exit code of one scan; it cannot go with "
                        + "--every or --cron");
            }
            Path reports = command.settings().reportDir();
            ReportDirectory.problem(reports).ifPresent(problem -> {
                throw new IllegalArgumentException("the report cannot be written under " + reports + ": "
                        + problem + "; give another with --report-dir DIR");
            });
            return command;
        }
    }

    private record Parsed(List<String> positional, Map<String, List<String>> options) {
        static Parsed of(List<String> args) {
            List<String> positional = new ArrayList<>();
            Map<String, List<String>> options = new java.util.HashMap<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.startsWith("--")) {
                    String name = a.substring(2);
                    String value;
                    int eq = name.indexOf('=');
                    if (eq >= 0) {
                        value = name.substring(eq + 1);
                        name = name.substring(0, eq);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                } else {
                    positional.add(a);
                }
            }
            List<String> known = List.of("client", "type", "provider", "model", "every", "cron", "timeout", "name",
                    "include", "exclude", "gitignore", "fail-on", "report-dir", "kafka", "db-url", "db-user",
                    "db-password");
            for (String name : options.keySet()) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name);
                }
            }
            if (positional.size() != 1) {
                throw new IllegalArgumentException("expected one DIR but got " + positional);
            }
            return new Parsed(positional, options);
        }

        String option(String name, String fallback) {
            List<String> values = options.get(name);
            return values == null ? fallback : values.getLast();
        }

        ScanSettings settings(Map<String, String> env) {
            String clientId = option("client", null);
            if (clientId == null) {
                throw new IllegalArgumentException("--client ID is required");
            }
            if (!IdSyntax.isClientId(clientId)) {
                throw new IllegalArgumentException("--client must be 1-64 letters, digits or '-' but was '"
                        + clientId + "'");
            }
            Path repository = Path.of(positional.getFirst());
            if (!Files.isDirectory(repository)) {
                throw new IllegalArgumentException("DIR " + repository + " is not a directory"
                        + (Files.exists(repository) ? "" : " (it does not exist)"));
            }
            ScanSettings s = ScanSettings.of(repository, clientId,
                    option("kafka", env.getOrDefault("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:9092")),
                    option("db-url", env.getOrDefault("ATHENA_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres")),
                    option("db-user", env.getOrDefault("ATHENA_DB_USER", "postgres")),
                    option("db-password", env.getOrDefault("ATHENA_DB_PASSWORD", "")));
            String type = option("type", "security");
            s = s.withType(AnalysisType.fromWire(type).orElseThrow(() -> new IllegalArgumentException(
                    "--type must be one of " + AnalysisType.wireNames() + " but was '" + type + "'")));
            if (options.containsKey("provider") || options.containsKey("model")) {
                s = s.withRoute(new AskedRoute(option("provider", null), option("model", null)));
            }
            if (options.containsKey("name")) {
                s = s.withRepoName(option("name", null));
            }
            if (options.containsKey("include") || options.containsKey("exclude")) {
                List<String> exclude = new ArrayList<>(ScanSettings.DEFAULT_EXCLUDE);
                exclude.addAll(options.getOrDefault("exclude", List.of()));
                s = s.withGlobs(options.getOrDefault("include", ScanSettings.DEFAULT_INCLUDE), exclude);
            }
            if (options.containsKey("gitignore")) {
                String honoured = option("gitignore", null);
                if (!honoured.equals("on") && !honoured.equals("off")) {
                    throw new IllegalArgumentException("--gitignore must be on or off but was '" + honoured + "'");
                }
                s = s.withGitIgnore(honoured.equals("on"));
            }
            if (options.containsKey("timeout")) {
                s = s.withTimeout(Durations.parse(option("timeout", null)));
            }
            if (options.containsKey("report-dir")) {
                s = s.withReportDir(Path.of(option("report-dir", null)));
            }
            return s;
        }

        /** The severity of {@code --fail-on}, or null without it. */
        Severity failOn() {
            String value = option("fail-on", null);
            if (value == null) {
                return null;
            }
            return Severity.fromWire(value).orElseThrow(() -> new IllegalArgumentException(
                    "--fail-on must be one of " + severities().replace("|", ", ") + " but was '" + value + "'"));
        }

        ScanSchedule schedule() {
            if (options.containsKey("every") && options.containsKey("cron")) {
                throw new IllegalArgumentException("give --every or --cron, not both");
            }
            if (options.containsKey("every")) {
                return ScanSchedule.every(Durations.parse(option("every", null)));
            }
            if (options.containsKey("cron")) {
                return ScanSchedule.cron(option("cron", null), ZoneId.systemDefault());
            }
            return null;
        }
    }
}

package dev.athena.launcher;

import dev.athena.infra.stack.Endpoints;
import dev.athena.ingest.cli.FileRequests;
import dev.athena.ingest.scan.ScanCommand;
import dev.athena.ingest.cli.ResultFormatter;
import dev.athena.ingest.client.KafkaAthenaClient;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisCancellation;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.AskedRoute;
import dev.athena.schemas.validation.IdSyntax;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;

/** The {@code ./athena} command line: {@code up}, {@code submit}, {@code tail}, {@code dlq}, {@code scan}, admin. */
public final class Athena {
    private static final String COMMANDS = """
              athena up [--kafka-port 9092] [--http-port 8080] [--data .athena]
              athena submit FILE... [--type security|quality|complexity|explain] [--client ID] [--kafka HOST:PORT]
                                    [--provider NAME] [--model NAME] [--data .athena] [--timeout SECONDS] [--json]
              athena tail --client ID [--kafka HOST:PORT] [--json]
              athena cancel REQUEST_ID... --client ID [--kafka HOST:PORT]
              athena dlq [--limit 20] [--kafka HOST:PORT] [--json]
              athena scan DIR --client ID [--type T] [--provider NAME] [--model NAME] [--every 1h | --cron EXPR]
                              [--timeout 30m] [--include GLOB] [--exclude GLOB] [--gitignore on|off]
                              [--fail-on SEVERITY] [--name REPO] [--report-dir DIR] [--kafka HOST:PORT]
                              [--db-url URL]
              athena keys create --client ID --scopes submit,read[,admin] [--expires-in 90d] [--url URL]
              athena keys list [--client ID] [--json] [--url URL]
              athena keys revoke KEY_ID [--url URL]
              athena keys rotate KEY_ID [--grace 24h] [--expires-in 90d] [--url URL]
              athena cache invalidate (--key K | --pattern GLOB | --tag TAG | --all) [--url URL]
              athena usage [--client ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json] [--url URL]
              athena providers [--json] [--url URL]
              athena audit [--limit 100] [--json] [--url URL]
              athena help [COMMAND]      (or COMMAND --help)
            """;
    private static final String ADMIN_NOTE = """
            keys, cache, usage, providers and audit call the gateway's admin API (--url, default
            http://127.0.0.1:8080) with the key in ATHENA_ADMIN_KEY; rotate prints the new key, and the old one works
            for the grace period (default 24h).""";
    private static final String USAGE = "usage:\n" + COMMANDS + ADMIN_NOTE + "\n"
            + "environment: ATHENA_KAFKA_BOOTSTRAP, ATHENA_REDIS_URL, ATHENA_DB_URL (external servers instead of "
            + "embedded)";
    private static final Set<String> ADMIN_COMMANDS = Set.of("keys", "cache", "usage", "providers", "audit");
    /** The exit status of a wrong command line: sysexits' EX_USAGE, as {@code scan} has always had it. */
    static final int USAGE_ERROR = ScanCommand.USAGE;

    private static final Map<String, Set<String>> VALUE_OPTIONS = Map.ofEntries(
            Map.entry("up", Set.of("kafka-port", "http-port", "data")),
            Map.entry("submit", Set.of("type", "client", "kafka", "timeout", "data", "provider", "model")),
            Map.entry("tail", Set.of("client", "kafka")),
            Map.entry("dlq", Set.of("limit", "kafka")),
            Map.entry("cancel", Set.of("client", "kafka")),
            Map.entry("keys", Set.of("client", "scopes", "url", "expires-in", "grace")),
            Map.entry("cache", Set.of("key", "pattern", "tag", "url")),
            Map.entry("usage", Set.of("client", "from", "to", "url")),
            Map.entry("providers", Set.of("url")),
            Map.entry("audit", Set.of("limit", "url")));
    private static final Map<String, Set<String>> FLAGS = Map.of("submit", Set.of("json"), "tail", Set.of("json"),
            "dlq", Set.of("json"),
            "cache", Set.of("all"), "usage", Set.of("json"), "keys", Set.of("json"), "providers", Set.of("json"),
            "audit", Set.of("json"));

    private final PrintStream out;
    private final Map<String, String> env;

    Athena(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    public static void main(String[] args) {
        int code = 1;
        try {
            code = new Athena(System.out, System.getenv()).execute(args, System.err);
        } catch (Exception e) {
            System.err.println("athena: " + e.getMessage());
        } catch (Error e) {
            // reported here because the exit below would otherwise swallow it
            System.err.println("athena: fatal: " + e);
            e.printStackTrace();
        } finally {
            // also after an Error: the embedded broker's threads must not keep a failed launcher alive
            System.exit(code);
        }
    }

    /** {@link #run}, with a wrong command line told on {@code err} with the usage and {@link #USAGE_ERROR}. */
    int execute(String[] args, PrintStream err) throws Exception {
        try {
            return run(args);
        } catch (CommandLine.UsageException e) {
            err.println("athena: " + e.getMessage());
            err.println(USAGE);
            return USAGE_ERROR;
        }
    }

    int run(String[] args) throws Exception {
        Optional<String> help = helpAskedFor(args);
        if (help.isPresent()) {
            out.println(usageOf(help.get()));
            return 0;
        }
        if (args.length > 0 && args[0].equals("scan")) {
            return scan(List.of(args).subList(1, args.length));
        }
        CommandLine cli = CommandLine.parse(args, VALUE_OPTIONS, FLAGS);
        return switch (cli.command()) {
            case "up" -> up(cli);
            case "submit" -> submit(cli);
            case "tail" -> tail(cli);
            case "dlq" -> deadLetters(cli);
            case "cancel" -> cancel(cli);
            case "keys" -> new AdminCommands(out, env).keys(cli);
            case "cache" -> new AdminCommands(out, env).cache(cli);
            case "usage" -> new AdminCommands(out, env).usage(cli);
            case "providers" -> new AdminCommands(out, env).providers(cli);
            case "audit" -> new AdminCommands(out, env).audit(cli);
            default -> throw new CommandLine.UsageException("unknown command '" + cli.command() + "'");
        };
    }

    /**
     * The command whose usage was asked for ("" for all): {@code help [COMMAND]}, {@code --help} or {@code -h}
     * in place of a command, or either after one.
     */
    static Optional<String> helpAskedFor(String[] args) {
        if (args.length == 0) {
            return Optional.empty();
        }
        if (args[0].equals("help") || isHelp(args[0])) {
            return Optional.of(args.length > 1 ? args[1] : "");
        }
        return Arrays.stream(args).skip(1).anyMatch(Athena::isHelp) ? Optional.of(args[0]) : Optional.empty();
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h");
    }

    /** The lines of {@code command}'s usage (with the admin note for admin commands); all of it otherwise. */
    static String usageOf(String command) {
        List<String> lines = new ArrayList<>();
        boolean inCommand = false;
        for (String line : COMMANDS.lines().toList()) {
            if (line.startsWith("  athena ")) {
                inCommand = line.startsWith("  athena " + command + " ");
            }
            if (inCommand) {
                lines.add(line);
            }
        }
        if (lines.isEmpty() || command.equals("help")) {
            return USAGE;
        }
        return "usage:\n" + String.join("\n", lines) + (ADMIN_COMMANDS.contains(command) ? "\n" + ADMIN_NOTE : "");
    }

    private int up(CommandLine cli) throws InterruptedException {
        Path data = Path.of(cli.option("data").orElse(".athena")).toAbsolutePath();
        Optional<Endpoints> running = RunningPipeline.live(data);
        if (running.isPresent()) {
            // told before the broker refuses the directory's lock with a message about Kafka's internals
            out.println("athena: a pipeline already runs on " + data + " (kafka " + running.get().kafkaBootstrap()
                    + "); stop it first, or give another --data DIR");
            return 1;
        }
        int kafkaPort = cli.intOption("kafka-port", 9092);
        int httpPort = cli.intOption("http-port", 8080);
        boolean embeddedKafka = envOr("ATHENA_KAFKA_BOOTSTRAP", "").isBlank();
        Optional<String> taken = portInUse("kafka-port", embeddedKafka ? kafkaPort : 0)
                .or(() -> portInUse("http-port", httpPort));
        if (taken.isPresent()) {
            out.println("athena: " + taken.get());
            return 1;
        }
        // stopped at the JVM's exit, also by a signal that comes while it starts; the record goes first, so that
        // no submit picks a pipeline on its way out
        OwnedPipeline owned = OwnedPipeline.start(data, kafkaPort, httpPort, "athena-shutdown",
                () -> RunningPipeline.clear(data), () -> { });
        EmbeddedPipeline pipeline = owned.pipeline();
        if (owned.exiting()) {
            // stopped while it started (Ctrl-C on a slow start): the exit stops it now, nobody is to use it
            return 0;
        }
        RunningPipeline.write(data, pipeline.endpoints());
        out.println("athena: ready (kafka " + pipeline.kafkaBootstrap() + ", http 127.0.0.1:"
                + pipeline.httpPort().orElse(-1) + ", data " + data + ")");
        out.flush();
        while (!owned.awaitStopped(Duration.ofSeconds(1))) {
            Optional<String> down = pipeline.stoppedService();
            if (down.isPresent()) {
                // as each service does alone: exit non-zero (the shutdown hook closes the rest) rather than stay
                // up with requests waiting for ever behind the part that stopped
                out.println("athena: " + down.get() + "; stopping everything");
                out.flush();
                return 1;
            }
        }
        return 0;
    }

    /** Why {@code up} cannot listen on {@code port} (its option {@code --option}), if it cannot. */
    private static Optional<String> portInUse(String option, int port) {
        if (port <= 0 || !LoopbackPort.taken(port)) {
            return Optional.empty();
        }
        return Optional.of("port " + port + " of 127.0.0.1 is in use (--" + option + "); stop what listens there, or "
                + "give another --" + option + " PORT");
    }

    /** The names admission accepts (the collector would answer any other with REJECTED), told before sending. */
    private static AskedRoute checkedRoute(CommandLine cli) {
        try {
            return new AskedRoute(cli.option("provider").orElse(null), cli.option("model").orElse(null));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(e.getMessage());
        }
    }

    private int submit(CommandLine cli) throws Exception {
        if (cli.positional().isEmpty()) {
            throw new CommandLine.UsageException("submit needs at least one FILE");
        }
        AnalysisType type = AnalysisType.fromWire(cli.option("type").orElse("security")).orElseThrow(() ->
                new CommandLine.UsageException("--type must be one of " + AnalysisType.wireNames()));
        String clientId = checkedClientId(cli.option("client").orElse("cli"));
        Duration timeout = Duration.ofSeconds(cli.secondsOption("timeout", 120));
        AskedRoute route = checkedRoute(cli);
        FileRequests files = new FileRequests(clientId, type, Clock.systemUTC())
                .askingFor(route.provider(), route.model());
        Map<Path, AnalysisRequest> requests = new LinkedHashMap<>();
        for (String name : cli.positional()) {
            Path file = Path.of(name);
            requests.put(file, files.from(file));
        }
        boolean json = cli.flag("json");
        Optional<String> named = cli.option("kafka")
                .or(() -> Optional.ofNullable(envOr("ATHENA_KAFKA_BOOTSTRAP", null)));
        if (named.isEmpty()) {
            Path data = Path.of(cli.option("data").orElse(".athena")).toAbsolutePath();
            Optional<Endpoints> up = RunningPipeline.live(data);
            if (up.isPresent()) {
                // its JVM runs: a broker slow to answer is busy, not gone, and a second pipeline would not help
                String bootstrap = up.get().kafkaBootstrap();
                if (!BrokerProbe.anyAddressAccepts(bootstrap)) {
                    out.println("athena: the pipeline of " + data + " does not answer at " + bootstrap
                            + " yet; waiting for it");
                }
                return submitTo(bootstrap, clientId, requests, timeout, json);
            }
        }
        String bootstrap = named.orElse("127.0.0.1:9092");
        if (BrokerProbe.reachable(bootstrap)) {
            return submitTo(bootstrap, clientId, requests, timeout, json);
        }
        out.println("athena: no pipeline at " + bootstrap + "; starting one for this submission");
        try (TemporaryPipeline pipeline = TemporaryPipeline.start("athena-submit-")) {
            return submitTo(pipeline.endpoints().kafkaBootstrap(), clientId, requests, timeout, json);
        }
    }

    /**
     * Scans need Kafka and PostgreSQL. Given neither by options nor by the environment, they use the pipeline
     * of {@code ./athena up} in this directory, or a temporary one started for the scan.
     */
    private int scan(List<String> args) throws Exception {
        boolean configured = args.contains("--db-url") || env.containsKey("ATHENA_DB_URL");
        if (configured || ScanCommand.problem(args, env).isPresent()) {
            // a wrong command line is told at once, before any server is asked for or started
            return ScanCommand.run(args, env, out);
        }
        Path data = Path.of(".athena").toAbsolutePath();
        var running = RunningPipeline.live(data)
                .or(() -> RunningPipeline.read(data).filter(e -> BrokerProbe.reachable(e.kafkaBootstrap())));
        if (running.isPresent()) {
            return ScanCommand.run(args, withEndpoints(running.get()), out);
        }
        out.println("athena: no pipeline running here; starting one for this scan");
        try (TemporaryPipeline pipeline = TemporaryPipeline.start("athena-scan-")) {
            return ScanCommand.run(args, withEndpoints(pipeline.endpoints()), out);
        }
    }

    private Map<String, String> withEndpoints(Endpoints endpoints) {
        Map<String, String> merged = new java.util.HashMap<>(env);
        merged.put("ATHENA_KAFKA_BOOTSTRAP", endpoints.kafkaBootstrap());
        merged.put("ATHENA_DB_URL", endpoints.jdbcUrl());
        merged.put("ATHENA_DB_USER", endpoints.dbUser());
        merged.put("ATHENA_DB_PASSWORD", endpoints.dbPassword() == null ? "" : endpoints.dbPassword());
        return merged;
    }

    private int submitTo(String bootstrap, String clientId, Map<Path, AnalysisRequest> requests, Duration timeout,
            boolean json) throws InterruptedException {
        try (KafkaAthenaClient client = KafkaAthenaClient.connect(bootstrap, clientId)) {
            Map<String, Path> labels = new LinkedHashMap<>();
            List<CompletableFuture<AnalysisResult>> futures = new ArrayList<>();
            for (var entry : requests.entrySet()) {
                labels.put(entry.getValue().requestId(), entry.getKey());
                if (!json) {
                    // the id `./athena cancel` takes, from another terminal while this one waits
                    synchronized (out) {
                        out.println("athena: " + entry.getKey() + " submitted as " + entry.getValue().requestId());
                    }
                }
                futures.add(client.submit(entry.getValue()).thenApply(result -> {
                    print(labels.get(result.requestId()).toString(), result, json);
                    return result;
                }));
            }
            client.flush();
            int failures = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            for (var future : futures) {
                try {
                    AnalysisResult result = future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    failures += result.status() == ResultStatus.COMPLETED ? 0 : 1;
                } catch (TimeoutException e) {
                    out.println("athena: no result within " + timeout.toSeconds() + " s");
                    return 1;
                } catch (ExecutionException e) {
                    out.println("athena: submission failed: " + e.getCause().getMessage());
                    return 1;
                }
            }
            return failures == 0 ? 0 : 1;
        }
    }

    private int tail(CommandLine cli) throws InterruptedException {
        String clientId = cli.option("client").orElseThrow(() ->
                new CommandLine.UsageException("tail needs --client ID"));
        String bootstrap = cli.option("kafka").orElse(envOr("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:9092"));
        if (!BrokerProbe.reachable(bootstrap)) {
            out.println("athena: no Kafka at " + bootstrap + " (start one with ./athena up)");
            return 1;
        }
        boolean json = cli.flag("json");
        CountDownLatch stopped = new CountDownLatch(1);
        try (KafkaAthenaClient client = KafkaAthenaClient.connect(bootstrap, clientId)) {
            client.onResult(result -> print(result.requestId(), result, json));
            out.println("athena: following results of client " + clientId + " (Ctrl-C to stop)");
            out.flush();
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "athena-tail-stop"));
            stopped.await();
        }
        return 0;
    }

    /**
     * Writes a cancellation of each request to {@code athena.cancellations}, as any Kafka client may; each request's
     * one result then says whether it came in time.
     */
    private int cancel(CommandLine cli) throws InterruptedException {
        String clientId = cli.option("client").orElseThrow(() ->
                new CommandLine.UsageException("cancel needs --client ID (request ids are each client's own)"));
        checkedClientId(clientId);
        if (cli.positional().isEmpty()) {
            throw new CommandLine.UsageException("cancel needs at least one REQUEST_ID");
        }
        for (String requestId : cli.positional()) {
            if (!IdSyntax.isRequestId(requestId)) {
                throw new CommandLine.UsageException("a request id is 1-128 letters, digits or '._:-' but was "
                        + requestId);
            }
        }
        String bootstrap = cli.option("kafka").orElse(envOr("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:9092"));
        if (!BrokerProbe.reachable(bootstrap)) {
            out.println("athena: no Kafka at " + bootstrap + " (start one with ./athena up)");
            return 1;
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.CLIENT_ID_CONFIG, "athena-cli-cancel"), new StringSerializer(),
                new ByteArraySerializer())) {
            for (String requestId : cli.positional()) {
                producer.send(new ProducerRecord<>(Topics.CANCELLATIONS, requestId,
                        Json.write(AnalysisCancellation.of(clientId, requestId)))).get(30, TimeUnit.SECONDS);
                out.println("athena: asked to cancel " + requestId + " of " + clientId
                        + "; its result says whether it came in time");
            }
        } catch (ExecutionException | TimeoutException e) {
            out.println("athena: the cancellation could not be written: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /** The latest dead letters: why each record was turned away, where it came from, whose it was. */
    private int deadLetters(CommandLine cli) {
        int limit = cli.countOption("limit", 20, 1_000);
        String bootstrap = cli.option("kafka").orElse(envOr("ATHENA_KAFKA_BOOTSTRAP", "127.0.0.1:9092"));
        if (!BrokerProbe.reachable(bootstrap)) {
            out.println("athena: no Kafka at " + bootstrap + " (start one with ./athena up)");
            return 1;
        }
        JsonNode entries = Json.mapper().valueToTree(DeadLetters.latest(bootstrap, limit));
        return AdminCommands.show(cli, entries, DeadLetterTable::print, out);
    }

    private void print(String label, AnalysisResult result, boolean json) {
        synchronized (out) {
            out.println(json ? Json.writeString(result) : ResultFormatter.format(label, result));
            out.flush();
        }
    }

    /** Checked before anything starts: a wrong id would otherwise fail only once a pipeline is up. */
    private static String checkedClientId(String clientId) {
        if (!IdSyntax.isClientId(clientId)) {
            throw new CommandLine.UsageException("--client must be 1-64 letters, digits or '-' but was '"
                    + clientId + "'");
        }
        return clientId;
    }

    private String envOr(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import dev.athena.infra.stack.EmbeddedPostgres;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.FreePorts;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.message.Usage;
import dev.athena.schemas.topic.Topics;
import dev.athena.splitter.fanout.Delivery;
import dev.athena.splitter.store.Database;
import dev.athena.splitter.store.JdbcResultStore;
import dev.athena.splitter.store.Migrations;
import dev.athena.splitter.store.StoreUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failing write must not put the result (findings, summary, and in other rows the code) into a log: the pgjdbc
 * batch error quotes every bound value. A PostgreSQL of the test's own refuses marked rows with a trigger, which
 * is neither an outage nor bad data, so the writer keeps retrying and keeps logging.
 */
@Tag("integration")
class StoreErrorLoggingIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String client = "leak-" + run;
    private final String secret = "sk-not-for-logs-" + run;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Path pgDir;
    private EmbeddedPostgres postgres;

    @BeforeEach
    void startOwnPostgresThatRefusesMarkedRows() throws Exception {
        pgDir = Files.createTempDirectory("splitter-pg-leak-");
        postgres = EmbeddedPostgres.start(pgDir, FreePorts.pick());
        try (HikariDataSource pool = Database.pool(postgres.jdbcUrl(), "postgres", "")) {
            Migrations.migrate(pool);
        }
        try (var conn = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
                var st = conn.createStatement()) {
            st.execute("""
                    create function refuse_leak() returns trigger language plpgsql as $$
                    begin
                        if new.request_id like 'leak-%' then raise exception 'refused by the test'; end if;
                        return new;
                    end $$""");
            st.execute("create trigger refuse_leak before insert or update on analysis_results"
                    + " for each row execute function refuse_leak()");
        }
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void stopOwnPostgres() throws IOException {
        root().detachAppender(logs);
        postgres.close();
        try (Stream<Path> paths = Files.walk(pgDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void shouldKeepTheRowsDataOutOfTheStoreErrorAndTheWarnLine() {
        try (HikariDataSource pool = Database.pool(postgres.jdbcUrl(), "postgres", "")) {
            JdbcResultStore store = new JdbcResultStore(pool);
            AnalysisResult result = new AnalysisResult(SchemaVersion.CURRENT, "leak-req-" + run, client,
                    ResultStatus.COMPLETED, List.of(finding()), "summary " + secret, ServedBy.of("builtin", "rules-1"),
                    false, "leak-batch-" + run, Usage.NONE, null, Instant.now());

            assertThatThrownBy(() -> store.write(List.of(new Delivery(Topics.resultsTopicName(client), result, null,
                    true)))).isInstanceOf(StoreUnavailableException.class)
                    .satisfies(e -> assertThat(messages(e)).as("every message of the error")
                            .noneMatch(m -> m.contains(secret)));
        }
    }

    @Test
    void shouldLogAFailingWriteBySqlStateWithoutTheRowsData() {
        String input = "leak-" + run;
        kafka.createTopic(input, 1);
        var registry = new SimpleMeterRegistry();
        SplitterSettings settings = SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(),
                postgres.jdbcUrl(), "postgres", "").withGroupId("leak-" + run).withInstanceId("leak-" + run)
                .withInputTopic(input);
        CacheKey key = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "leak " + run, Map.of());
        ItemResult item = new ItemResult(key.value(), List.of(new Requester("leak-req-" + run, client, null, null)),
                AnalysisType.SECURITY, null, ResultStatus.COMPLETED, ServedBy.of("builtin", "rules-1"),
                List.of(finding()), "summary " + secret, new Usage(10, 1, 0, 0.01), null, false);

        try (ResultSplitter splitter = ResultSplitter.start(settings, registry)) {
            kafka.produce(input, "b", Json.write(new BatchResult(1, "leak-b-" + run, "r", List.of(item),
                    Instant.now())));
            Eventually.await("a failed write logged", DEADLINE, () -> storeWarnings().size(), n -> n > 0);
        }

        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(logs.list)) {
            lines.add(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        assertThat(lines).as("every log line of the run").noneMatch(line -> line.contains(secret));
        assertThat(storeWarnings()).first().asString().contains("P0001");
    }

    private List<String> storeWarnings() {
        return List.copyOf(logs.list).stream().filter(e -> e.getLoggerName().startsWith("dev.athena.splitter.store"))
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("failed")).toList();
    }

    private Finding finding() {
        return new Finding("hardcoded-secret", Severity.HIGH, 1, "key " + secret + " in code", "rotate it");
    }

    private static List<String> messages(Throwable e) {
        List<String> out = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.add(String.valueOf(t.getMessage()));
            if (t instanceof SQLException sql) {
                for (SQLException next = sql.getNextException(); next != null; next = next.getNextException()) {
                    out.add(String.valueOf(next.getMessage()));
                }
            }
        }
        return out;
    }

    private static ch.qos.logback.classic.Logger root() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    }
}

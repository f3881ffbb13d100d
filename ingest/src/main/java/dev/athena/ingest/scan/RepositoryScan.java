package dev.athena.ingest.scan;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.support.TaskExecutorJobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * Runs one scan of a repository to its report: migrates the scan tables, builds the job on a JDBC job
 * repository in PostgreSQL and runs it on the calling thread. Blocks for at most about the scan's timeout plus
 * the time to walk and submit.
 */
public final class RepositoryScan {
    private static final DateTimeFormatter SCAN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
            .withZone(ZoneOffset.UTC);

    private RepositoryScan() {
    }

    public static ScanReport run(ScanSettings settings) {
        return run(settings, Clock.systemUTC());
    }

    public static ScanReport run(ScanSettings settings, Clock clock) {
        String scanId = newScanId(clock);
        try (HikariDataSource dataSource = dataSource(settings);
                ScanKafka kafka = new ScanKafka(settings.bootstrap(), settings.clientId(), scanId)) {
            ScanMigrations.migrate(dataSource);
            try (RepositoryLock lock = RepositoryLock.acquire(dataSource, settings.repoName())) {
                kafka.deleteStaleReplyTopics(clock.instant(), replyTopicsKept(settings));
                new ScanHistory(dataSource).prune(clock.instant().minus(ScanHistory.KEPT));
                return runJob(settings, clock, scanId, dataSource, kafka);
            }
        } catch (ScanFailedException | ScanAlreadyRunningException e) {
            throw e;
        } catch (Exception e) {
            throw new ScanFailedException("scan " + scanId + " of " + settings.repoName() + " could not run: "
                    + e.getMessage(), e);
        }
    }

    private static ScanReport runJob(ScanSettings settings, Clock clock, String scanId, HikariDataSource dataSource,
            ScanKafka kafka) throws Exception {
        JobRepository jobRepository = jobRepository(dataSource);
        // Step work commits on its own (Kafka acks, then scan_files rows), and the collect step may wait for
        // many minutes: a database transaction held open across that wait would only pin a connection.
        ScanJob scanJob = new ScanJob(jobRepository, new ResourcelessTransactionManager(),
                new ScanStateStore(dataSource), kafka, clock);
        ScanRun run = new ScanRun(settings, scanId, clock.instant());
        JobExecution execution = operator(jobRepository).start(scanJob.job(run), parameters(settings, scanId));
        if (execution.getStatus() != BatchStatus.COMPLETED || run.finalReport() == null) {
            Throwable cause = execution.getAllFailureExceptions().stream().findFirst().orElse(null);
            throw new ScanFailedException("scan " + scanId + " of " + settings.repoName() + " ended "
                    + execution.getStatus() + (cause == null ? "" : ": " + cause.getMessage()), cause);
        }
        return run.finalReport();
    }

    /**
     * How long a scan's reply topic may still be in use: a day, or twice the result timeout when that is longer
     * (another repository's scan for the same client may be running under its own, similar timeout).
     */
    static Duration replyTopicsKept(ScanSettings settings) {
        Duration twice = settings.timeout().multipliedBy(2);
        return twice.compareTo(Duration.ofDays(1)) > 0 ? twice : Duration.ofDays(1);
    }

    /** When the scan of this id started, empty for an id this class did not make. */
    static Optional<Instant> scanStart(String scanId) {
        if (scanId.length() < 15) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.from(SCAN_ID_TIME.parse(scanId.substring(0, 15).toUpperCase(Locale.ROOT))));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Sortable by time, unique by its random tail, and legal in a topic name. */
    static String newScanId(Clock clock) {
        byte[] tail = new byte[3];
        ThreadLocalRandom.current().nextBytes(tail);
        return SCAN_ID_TIME.format(clock.instant()).toLowerCase(Locale.ROOT) + "-"
                + HexFormat.of().formatHex(tail);
    }

    private static JobParameters parameters(ScanSettings settings, String scanId) {
        return new JobParametersBuilder()
                .addString("scanId", scanId)
                .addString("repoName", settings.repoName(), false)
                .addString("clientId", settings.clientId(), false)
                .addString("analysisType", settings.type().wireName(), false)
                .toJobParameters();
    }

    private static JobRepository jobRepository(HikariDataSource dataSource) throws Exception {
        JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
        factory.setDataSource(dataSource);
        factory.setTransactionManager(new JdbcTransactionManager(dataSource));
        factory.setDatabaseType("POSTGRES");
        factory.afterPropertiesSet();
        return factory.getObject();
    }

    private static TaskExecutorJobOperator operator(JobRepository jobRepository) throws Exception {
        TaskExecutorJobOperator operator = new TaskExecutorJobOperator();
        operator.setJobRepository(jobRepository);
        operator.setTaskExecutor(new SyncTaskExecutor());
        operator.setJobRegistry(new org.springframework.batch.core.configuration.support.MapJobRegistry());
        operator.afterPropertiesSet();
        return operator;
    }

    private static HikariDataSource dataSource(ScanSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.dbUser());
        config.setPassword(settings.dbPassword());
        config.setMaximumPoolSize(4);
        config.setPoolName("athena-scan-db");
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }
}

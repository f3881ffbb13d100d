package dev.athena.ingest.scan;

import dev.athena.ingest.scan.ChangeDetector.Changes;
import dev.athena.ingest.scan.RepositoryWalker.Walk;
import dev.athena.ingest.scan.ScanRun.Submission;
import dev.athena.ingest.scan.ScanStateStore.SubmittedFile;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.SchemaVersion;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The scan as a Spring Batch job, built with the plain builders: {@code walk} (find files, compare hashes with the
 * last scan), {@code submit} (a chunk step: each changed file becomes a bulk-lane request whose replyTo is the
 * scan's own topic), {@code collect} (wait for one result per request, bounded by the timeout, then write the
 * SARIF log and the summary). The steps only call the plain parts; nothing here decides anything.
 */
final class ScanJob {
    private static final Logger LOG = LoggerFactory.getLogger(ScanJob.class);
    static final String NAME = "athenaRepositoryScan";
    static final int CHUNK = 50;

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactions;
    private final ScanStateStore store;
    private final ScanKafka kafka;
    private final Clock clock;

    ScanJob(JobRepository jobRepository, PlatformTransactionManager transactions, ScanStateStore store,
            ScanKafka kafka, Clock clock) {
        this.jobRepository = jobRepository;
        this.transactions = transactions;
        this.store = store;
        this.kafka = kafka;
        this.clock = clock;
    }

    Job job(ScanRun run) {
        return new JobBuilder(NAME, jobRepository)
                .start(walkStep(run))
                .next(submitStep(run))
                .next(collectStep(run))
                .build();
    }

    Step walkStep(ScanRun run) {
        return new StepBuilder("walk", jobRepository).tasklet((contribution, chunkContext) -> {
            ScanSettings settings = run.settings();
            Walk walk = run.walker().walk(settings.repository());
            ChangeDetector detector = new ChangeDetector(id -> store.storedResult(settings.clientId(), id));
            Changes changes = detector.detect(walk.files(), store.load(settings.repoName()), Asked.by(settings));
            store.removed(settings.repoName(), changes.removed());
            // Results that arrived after their scan ended were found in the splitter's table: keep them with us.
            store.resulted(settings.repoName(), changes.unchanged().stream().filter(u -> u.previous().result() == null)
                    .map(ChangeDetector.Unchanged::result).toList(), clock.instant());
            run.detected(walk, changes);
            var context = chunkContext.getStepContext().getStepExecution().getExecutionContext();
            context.putInt("scanned", walk.files().size());
            context.putInt("skipped", walk.skipped().size());
            context.putInt("ignored", walk.ignored());
            context.putInt("changed", changes.changed().size());
            context.putInt("unchanged", changes.unchanged().size());
            LOG.info("scan {} of {}: {} files, {} changed, {} unchanged, {} skipped", run.scanId(),
                    settings.repoName(), walk.files().size(), changes.changed().size(), changes.unchanged().size(),
                    walk.skipped().size());
            return RepeatStatus.FINISHED;
        }, transactions).build();
    }

    Step submitStep(ScanRun run) {
        return new StepBuilder("submit", jobRepository).<SourceFile, Submission>chunk(CHUNK)
                .transactionManager(transactions)
                .reader(run::nextToSubmit)
                .processor(file -> submission(run, file))
                .writer((Chunk<? extends Submission> chunk) -> submit(run, new ArrayList<>(chunk.getItems())))
                .build();
    }

    private void submit(ScanRun run, List<Submission> batch) throws Exception {
        if (!run.anySubmitted()) {
            kafka.createReplyTopic();
        }
        kafka.send(batch);
        store.submitted(run.settings().repoName(), run.scanId(), Asked.by(run.settings()), batch.stream()
                .map(s -> new SubmittedFile(s.file().path(), s.file().sha256(), s.request().requestId())).toList(),
                clock.instant());
        run.submitted(batch);
    }

    /** The file read again to be sent; null (left out, reported skipped) when it can no longer be read. */
    Submission submission(ScanRun run, SourceFile file) {
        RepositoryWalker.Text text = run.walker().reread(file);
        if (text.skipReason() != null) {
            LOG.info("scan {}: {} left out, it changed since the walk ({})", run.scanId(), file.path(),
                    text.skipReason());
            run.skippedLate(new ScanReport.SkippedFile(file.path(), text.skipReason()));
            return null;
        }
        // what is sent is what the next scan compares with, even if the file changed since the walk
        SourceFile sent = file.withSha256(text.sha256());
        return Submission.of(sent, request(run, sent, text.code()));
    }

    private AnalysisRequest request(ScanRun run, SourceFile file, String code) {
        ScanSettings settings = run.settings();
        Instant now = clock.instant();
        // The deadline tells the pipeline how long this scan will wait, so slow provider batch APIs are used
        // only when they can answer in time. The path is written <repo>:<path in repo>, the form from which the
        // result splitter derives the repo:<name> cache tag, so a repository's answers can be invalidated at once.
        return new AnalysisRequest(SchemaVersion.CURRENT, UUID.randomUUID().toString(), settings.clientId(),
                settings.type(), file.language(), settings.repoName() + ":" + file.path(), code,
                settings.route().provider(), settings.route().model(), Lane.BULK, Map.of(),
                now.plus(settings.timeout()), null, now, kafka.replyTopic());
    }

    Step collectStep(ScanRun run) {
        return new StepBuilder("collect", jobRepository).tasklet((contribution, chunkContext) -> {
            ScanSettings settings = run.settings();
            Map<String, AnalysisResult> arrived = kafka.await(run.awaited(), settings.timeout(), clock);
            store.resulted(settings.repoName(), List.copyOf(arrived.values()), clock.instant());
            run.collected(arrived);
            List<FileOutcome> outcomes = run.outcomes();
            Path dir = settings.reportDir().resolve(run.scanId());
            Path sarif = dir.resolve("report.sarif.json");
            Path summary = dir.resolve("summary.md");
            ScanReport report = run.report(outcomes, sarif, summary);
            ScanContext context = new ScanContext(run.scanId(), settings.repoName(), settings.repository(),
                    Asked.by(settings), run.startedAt(), clock.instant());
            SarifWriter.write(sarif, context, outcomes, report.skipped());
            SummaryWriter.write(summary, context, report, outcomes);
            if (run.anySubmitted() && report.pending() == 0) {
                kafka.deleteReplyTopic();
            }
            run.finished(report);
            var stepContext = chunkContext.getStepContext().getStepExecution().getExecutionContext();
            stepContext.putInt("pending", report.pending());
            stepContext.putString("sarif", sarif.toString());
            LOG.info("scan {} of {}: {} submitted, {} completed, {} failed, {} rejected, {} pending; report {}",
                    run.scanId(), settings.repoName(), report.submitted(), report.completed(), report.failed(),
                    report.rejected(), report.pending(), dir);
            return RepeatStatus.FINISHED;
        }, transactions).build();
    }
}

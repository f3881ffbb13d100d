package dev.athena.ingest.gateway.analysis;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisResult;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * Finds a request's result for its own client: PostgreSQL first (the splitter's table), then results this
 * instance saw on the result topics, then the gateway's own record of the submission (pending). Long polls wait
 * on the live feed and look at PostgreSQL again every {@code recheck}, in case another instance's feed or a
 * restart means this one never sees the record.
 */
public final class ResultLookup {
    private final ResultTable table;
    private final LiveFeed feed;
    private final Submitter submitter;
    private final Duration recheck;
    private final InstantSource clock;

    public ResultLookup(DataSource dataSource, LiveFeed feed, Submitter submitter, Duration recheck,
            InstantSource clock) {
        this.table = new ResultTable(dataSource);
        this.feed = feed;
        this.submitter = submitter;
        this.recheck = recheck;
        this.clock = clock;
    }

    public Lookup find(String clientId, String requestId) {
        Optional<String> stored = table.find(clientId, requestId);
        if (stored.isPresent()) {
            return new Lookup.Done(stored.get());
        }
        AnalysisResult recent = feed.recentResult(clientId, requestId);
        if (recent != null) {
            return new Lookup.Done(Json.writeString(recent));
        }
        return submitter.owns(clientId, requestId) ? new Lookup.Pending() : new Lookup.NotFound();
    }

    /** Like {@link #find} but waits up to {@code wait} while the request is pending. */
    public Lookup await(String clientId, String requestId, Duration wait) throws InterruptedException {
        Instant deadline = clock.instant().plus(wait);
        CompletableFuture<AnalysisResult> arrived = new CompletableFuture<>();
        try (AutoCloseable ignored = feed.subscribe(clientId, requestId, new FeedListener() {
            @Override
            public void onChunk(AnalysisChunk chunk) {
            }

            @Override
            public void onResult(AnalysisResult result) {
                arrived.complete(result);
            }
        })) {
            Lookup now = find(clientId, requestId);
            Recheck schedule = new Recheck(recheck);
            Duration interval = recheck;
            while (now instanceof Lookup.Pending) {
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isNegative() || left.isZero()) {
                    return now;
                }
                try {
                    AnalysisResult result = arrived.get(Math.min(left.toNanos(), interval.toNanos()),
                            TimeUnit.NANOSECONDS);
                    return new Lookup.Done(Json.writeString(result));
                } catch (TimeoutException e) {
                    now = find(clientId, requestId);
                    interval = schedule.after(interval);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a result future never fails", e);
                }
            }
            return now;
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing a feed subscription never throws", e);
        }
    }
}

package dev.athena.ingest.gateway.stream;

import dev.athena.ingest.gateway.analysis.FeedListener;
import dev.athena.ingest.gateway.analysis.LiveFeed;
import dev.athena.ingest.gateway.analysis.Lookup;
import dev.athena.ingest.gateway.analysis.Recheck;
import dev.athena.ingest.gateway.analysis.ResultLookup;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisResult;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Relays one request's chunks and then its result to a sink, in sequence order, each chunk at most once.
 *
 * <p>Design notes: the feed's thread only enqueues; the caller's thread (a virtual thread per stream) does all
 * writing, so a slow client never stalls the feed. The subscription is made before the snapshot is read, so a
 * chunk arriving in between is seen twice at worst and skipped by sequence. PostgreSQL is asked again, first
 * after {@code recheck} and then less and less often ({@link Recheck}), in case the result was recorded where
 * this instance's feed could not see it.
 */
public final class EventPump {
    /** How a pump ended. */
    public enum End { RESULT, TIMEOUT, GONE }

    private final LiveFeed feed;
    private final ResultLookup lookup;
    private final InstantSource clock;
    private final Duration recheck;
    private final Duration heartbeat;

    public EventPump(LiveFeed feed, ResultLookup lookup, InstantSource clock, Duration recheck, Duration heartbeat) {
        this.feed = feed;
        this.lookup = lookup;
        this.clock = clock;
        this.recheck = recheck;
        this.heartbeat = heartbeat;
    }

    /**
     * Runs until the result is sent, {@code maxDuration} passes, or the sink is gone.
     *
     * @param afterSequence chunks with a sequence at or below this are not sent again (-1: send all)
     */
    public End run(String clientId, String requestId, long afterSequence, Duration maxDuration, EventSink sink)
            throws InterruptedException {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try (AutoCloseable ignored = feed.subscribe(clientId, requestId, new FeedListener() {
            @Override
            public void onChunk(AnalysisChunk chunk) {
                events.add(chunk);
            }

            @Override
            public void onResult(AnalysisResult result) {
                events.add(result);
            }
        })) {
            return pump(clientId, requestId, afterSequence, maxDuration, sink, events);
        } catch (IOException e) {
            return End.GONE;
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing a feed subscription never throws", e);
        }
    }

    private End pump(String clientId, String requestId, long afterSequence, Duration maxDuration, EventSink sink,
            BlockingQueue<Object> events) throws IOException, InterruptedException {
        long sent = afterSequence;
        for (AnalysisChunk chunk : feed.chunksOf(clientId, requestId)) {
            sent = send(chunk, sent, sink);
        }
        var end = clock.instant().plus(maxDuration);
        var nextCheck = clock.instant();
        Recheck schedule = new Recheck(recheck);
        Duration interval = recheck;
        var nextBeat = clock.instant().plus(heartbeat);
        while (clock.instant().isBefore(end)) {
            if (!clock.instant().isBefore(nextCheck)) {
                if (lookup.find(clientId, requestId) instanceof Lookup.Done done) {
                    for (AnalysisChunk chunk : feed.chunksOf(clientId, requestId)) {
                        sent = send(chunk, sent, sink);
                    }
                    sink.result(requestId, done.resultJson());
                    return End.RESULT;
                }
                nextCheck = clock.instant().plus(interval);
                interval = schedule.after(interval);
            }
            if (!clock.instant().isBefore(nextBeat)) {
                sink.heartbeat();
                nextBeat = clock.instant().plus(heartbeat);
            }
            Object event = events.poll(200, TimeUnit.MILLISECONDS);
            if (event instanceof AnalysisChunk chunk) {
                sent = send(chunk, sent, sink);
            } else if (event instanceof AnalysisResult result) {
                for (AnalysisChunk chunk : feed.chunksOf(clientId, requestId)) {
                    sent = send(chunk, sent, sink);
                }
                sink.result(requestId, Json.writeString(result));
                return End.RESULT;
            }
        }
        return End.TIMEOUT;
    }

    private static long send(AnalysisChunk chunk, long sent, EventSink sink) throws IOException {
        if (chunk.sequence() <= sent) {
            return sent;
        }
        sink.chunk(chunk);
        return chunk.sequence();
    }
}

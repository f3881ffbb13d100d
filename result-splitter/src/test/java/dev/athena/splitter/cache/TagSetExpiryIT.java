package dev.athena.splitter.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.splitter.metrics.SplitterMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** Tag sets on the real Redis: they must stop growing with a busy tag, and invalidation must still find it all. */
@Tag("integration")
class TagSetExpiryIT {
    private static final Duration TTL = Duration.ofDays(2);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String tag = "path:tag-it-" + run + ":src/app.py";
    private final RedissonClient redis = RedisConnection.open(SharedLocalStack.get().endpoints().redisUrl());
    private final MovingClock clock = new MovingClock(Instant.now());
    private final SplitterMetrics metrics = new SplitterMetrics(new SimpleMeterRegistry());
    private final TieredCache cache = new TieredCache(redis, new CacheSettings(Duration.ofMinutes(5), 1_000, TTL,
            Map.of()), clock, metrics);

    @AfterEach
    void close() {
        redis.shutdown();
    }

    @Test
    void shouldGiveEachDaysTagSetAFixedExpiryThatLaterWritesDoNotPushOut() throws Exception {
        Set<String> first = write("first");
        String today = TieredCache.tagSet(tag, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        long expiresAt = redis.getSet(today, StringCodec.INSTANCE).remainTimeToLive() + System.currentTimeMillis();
        Instant endOfDay = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(1)
                .atStartOfDay(ZoneOffset.UTC).toInstant();
        assertThat(expiresAt).as("the set outlives the day's last answer, by a TTL after the day ends")
                .isBetween(endOfDay.plus(TTL).toEpochMilli() - 5_000, endOfDay.plus(TTL).toEpochMilli() + 5_000);

        Thread.sleep(1_100);
        Set<String> second = write("second");
        long after = redis.getSet(today, StringCodec.INSTANCE).remainTimeToLive() + System.currentTimeMillis();
        assertThat(after).as("a later write leaves the expiry where it was").isBetween(expiresAt - 1_500,
                expiresAt + 1_500);
        assertThat(redis.<String>getSet(today, StringCodec.INSTANCE).readAll())
                .containsExactlyInAnyOrderElementsOf(union(first, second));
    }

    @Test
    void shouldInvalidateATagWhoseAnswersWereWrittenOnDifferentDays() throws Exception {
        Set<String> before = write("two days ago");
        redis.<String>getSet(TieredCache.TAG_PREFIX + tag, StringCodec.INSTANCE).addAll(before);
        clock.advance(Duration.ofDays(1));
        Set<String> yesterday = write("yesterday");
        clock.advance(Duration.ofDays(1));
        Set<String> today = write("today");
        Set<String> answers = union(union(before, yesterday), today);
        var invalidator = new CacheInvalidator(redis, cache, entry -> { }, metrics, clock, "tag-it-" + run);
        try {
            InvalidationOutcome outcome = invalidator.invalidate(Invalidation.ofTag(tag, "it"));
            assertThat(outcome.redisKeysDeleted()).as("every answer, three day sets and the set of before")
                    .isEqualTo(answers.size() + 4);
        } finally {
            invalidator.close();
        }
        assertThat(answers).hasSize(6);
        for (String key : answers) {
            assertThat(redis.getBucket(key, StringCodec.INSTANCE).isExists()).as(key).isFalse();
        }
    }

    /** Caches an answer under the tag; returns its keys (the one asked for and the one that served it). */
    private Set<String> write(String code) throws InterruptedException {
        CacheKey key = CacheKey.of("auto", "auto", AnalysisType.SECURITY, code + " " + run, Map.of());
        String path = tag.substring("path:".length());
        ItemResult item = new ItemResult(key.value(), List.of(new Requester("r-" + run, "tag-it", null, null)),
                AnalysisType.SECURITY, path, ResultStatus.COMPLETED, ServedBy.of("builtin", "rules-1"), List.of(),
                "ok", null, null, false);
        cache.put(item);
        assertThat(cache.awaitWrites(Duration.ofSeconds(10))).isTrue();
        return CacheKeys.keysFor(item);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static final class MovingClock extends Clock {
        private volatile Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

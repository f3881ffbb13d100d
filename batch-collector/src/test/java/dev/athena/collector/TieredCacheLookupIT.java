package dev.athena.collector.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.EmbeddedRedis;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.CachedAnalysis;
import dev.athena.schemas.message.ServedBy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

@Tag("integration")
class TieredCacheLookupIT {
    @Test
    void shouldFindAnswerInRedisThenInL1AndSkipRedisWhenItIsAway() {
        var stack = SharedLocalStack.get();
        String url = stack.endpoints().redisUrl();
        String key = "analysis:auto:auto:security:" + UUID.randomUUID().toString().substring(0, 16) + ":00000000";
        String missing = key.replace("security", "quality");
        CachedAnalysis entry = new CachedAnalysis(1, key, ServedBy.of("builtin", "rules-1"), List.of(), "clean",
                null, Instant.parse("2026-11-30T10:00:00Z"));
        Config config = new Config();
        config.useSingleServer().setAddress(url);
        var writer = Redisson.create(config);
        try {
            writer.<String>getBucket(key, StringCodec.INSTANCE).set(Json.writeString(entry));
        } finally {
            writer.shutdown();
        }

        EmbeddedRedis redis = stack.embeddedRedis().orElseThrow();
        try (var lookup = TieredCacheLookup.connect(url, Clock.systemUTC())) {
            assertThat(lookup.find(key)).hasValueSatisfying(hit -> {
                assertThat(hit.tier()).isEqualTo(CacheTier.REDIS);
                assertThat(hit.analysis()).isEqualTo(entry);
            });
            assertThat(lookup.find(key)).hasValueSatisfying(hit -> assertThat(hit.tier()).isEqualTo(CacheTier.L1));
            assertThat(lookup.find(missing)).isEmpty();

            redis.stop();
            try {
                long started = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    assertThat(lookup.find(missing + i)).isEmpty();
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
                assertThat(lookup.find(key)).hasValueSatisfying(h -> assertThat(h.tier()).isEqualTo(CacheTier.L1));
            } finally {
                redis.restart();
            }
        }
    }

    @Test
    void shouldStartAndMissWhenRedisIsNotThere() {
        try (var lookup = TieredCacheLookup.connect("redis://127.0.0.1:1", Clock.systemUTC())) {
            assertThat(lookup.find("analysis:auto:auto:security:0000000000000000:00000000")).isEmpty();
        }
    }
}

package dev.athena.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Lane;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestPartitionsTest {

    @Test
    void shouldPutTheSameQuestionOnOnePartitionWhoeverAsksItWhateverItsId() {
        int first = RequestPartitions.of(request("team-a", "print(1)\n", Lane.INTERACTIVE), 6);
        for (int i = 0; i < 50; i++) {
            String client = "team-" + i;
            assertThat(RequestPartitions.of(request(client, "print(1)\n", Lane.INTERACTIVE), 6)).as(client)
                    .isEqualTo(first);
        }
    }

    @Test
    void shouldSpreadDifferentQuestionsOverEveryPartition() {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 6_000; i++) {
            counts.merge(RequestPartitions.of(request("team-a", "print(" + i + ")\n", Lane.BULK), 6), 1,
                    Integer::sum);
        }
        assertThat(counts).containsOnlyKeys(0, 1, 2, 3, 4, 5);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1_200));
    }

    @Test
    void shouldTellQuestionsApartByWhatTheCacheKeyHolds() {
        AnalysisRequest security = new AnalysisRequest(1, "r1", "team-a", AnalysisType.SECURITY, "python", "a.py",
                "x = 1\n", null, null, Lane.INTERACTIVE, null, null, null, Instant.EPOCH, null);
        int differing = 0;
        for (int i = 0; i < 20; i++) {
            AnalysisRequest quality = new AnalysisRequest(1, "r2", "team-a", AnalysisType.QUALITY, "python", "a.py",
                    "x = " + i + "\n", null, null, Lane.INTERACTIVE, null, null, null, Instant.EPOCH, null);
            AnalysisRequest sameCodeSecurity = new AnalysisRequest(1, "r3", "team-b", AnalysisType.SECURITY, "go",
                    "b.go", "x = " + i + "\n", null, null, Lane.BULK, null, null, null, Instant.EPOCH, null);
            differing += RequestPartitions.of(quality, 6) != RequestPartitions.of(sameCodeSecurity, 6) ? 1 : 0;
        }
        assertThat(differing).as("the analysis type is part of the key").isPositive();
        assertThat(RequestPartitions.of(security, 1)).isZero();
    }

    @Test
    void shouldPlaceByACacheKeyAlreadyComputedAsByTheRequest() {
        for (int i = 0; i < 100; i++) {
            AnalysisRequest request = request("team-a", "print(" + i + ")\n", Lane.BULK);
            assertThat(RequestPartitions.of(CacheKey.ofRequested(request).value(), 6))
                    .isEqualTo(RequestPartitions.of(request, 6));
        }
    }

    @Test
    void shouldRefuseNoPartitions() {
        assertThatThrownBy(() -> RequestPartitions.of(request("team-a", "x", Lane.BULK), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("partitions must be >= 1 but was 0");
    }

    private static AnalysisRequest request(String client, String code, Lane lane) {
        return new AnalysisRequest(1, UUID.randomUUID().toString(), client, AnalysisType.QUALITY, "python", "a.py",
                code, null, null, lane, null, null, null, Instant.EPOCH, null);
    }
}

package dev.athena.workers.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.ProviderException;
import dev.athena.workers.provider.vendor.Pricing;
import dev.athena.workers.provider.vendor.VendorSettings;
import dev.athena.workers.provider.vendor.openai.OpenAiCompatibleProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Two worker instances (each its own Redis client, limiter, bulkhead and adapter) hammer one fake provider that
 * enforces N requests per minute. The provider must never see more than N in any 60 s window, and the shared
 * limit must still keep it at least 90% busy.
 */
@Tag("integration")
class ProviderLimitIT {
    private static final int N = 30;
    private static final Duration RUN = Duration.ofSeconds(62);

    @Test
    void shouldKeepTwoInstancesUnderTheProvidersLimitWhileKeepingItBusy() throws Exception {
        String redisUrl = SharedLocalStack.get().endpoints().redisUrl();
        String provider = "limit-it-" + UUID.randomUUID().toString().substring(0, 8);
        List<RedissonClient> clients = new ArrayList<>();
        try (FakeProviderServer server = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI)
                .limitRequestsPerMinute(N);
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Instant end = Instant.now().plus(RUN);
            for (int instance = 0; instance < 2; instance++) {
                RedissonClient redis = client(redisUrl);
                clients.add(redis);
                ResilientProvider guarded = instance(redis, provider, server);
                for (int t = 0; t < 8; t++) {
                    threads.submit(() -> hammer(guarded, end));
                }
            }
            threads.shutdown();
            assertThat(threads.awaitTermination(RUN.plusSeconds(30).toSeconds(), TimeUnit.SECONDS)).isTrue();

            List<Instant> arrivals = server.requests().stream().map(FakeProviderServer.Recorded::at).sorted().toList();
            Instant first = arrivals.getFirst();
            long inFirstMinute = arrivals.stream().filter(a -> a.isBefore(first.plusSeconds(60))).count();
            org.slf4j.LoggerFactory.getLogger(ProviderLimitIT.class).info(
                    "limit {}/min: provider saw at most {} in any minute, {} in the first minute, {} in {} s",
                    N, maxInAnyMinute(arrivals), inFirstMinute, arrivals.size(), RUN.toSeconds());
            assertThat(maxInAnyMinute(arrivals)).isLessThanOrEqualTo(N);
            assertThat(inFirstMinute).isGreaterThanOrEqualTo((long) Math.ceil(0.9 * N));
        } finally {
            clients.forEach(RedissonClient::shutdown);
        }
    }

    private static ResilientProvider instance(RedissonClient redis, String provider, FakeProviderServer server) {
        Clock clock = Clock.systemUTC();
        VendorSettings settings = VendorSettings.of(provider, server.baseUrl(), "k", "gpt-4o-mini", Pricing.FREE);
        SharedRateLimit limit = new SharedRateLimit(redis, provider, N, 10_000_000, 2, clock, Sleeper.SYSTEM);
        ProviderPolicy policy = ProviderPolicy.of(N, 10_000_000, 4).withRetry(1, Duration.ZERO, Duration.ZERO);
        return new ResilientProvider(new OpenAiCompatibleProvider(settings, clock), policy, limit, clock,
                Sleeper.SYSTEM, new SplittableRandom(3), new WorkerMetrics(new SimpleMeterRegistry()));
    }

    private static void hammer(ResilientProvider provider, Instant end) {
        AnalysisRequest request = AnalysisRequest.of("r", "c", AnalysisType.SECURITY, "x = 1\n");
        while (Instant.now().isBefore(end)) {
            Instant deadline = Instant.now().plusSeconds(3);
            if (deadline.isAfter(end)) {
                deadline = end;
            }
            try {
                provider.analyse(new ProviderCall(request, "gpt-4o-mini", deadline, null));
            } catch (ProviderException e) {
                // refused by our limiter (expected most of the time) or by the provider: try again
            }
        }
    }

    private static int maxInAnyMinute(List<Instant> sorted) {
        int max = 0;
        int start = 0;
        for (int i = 0; i < sorted.size(); i++) {
            while (!sorted.get(start).plusSeconds(60).isAfter(sorted.get(i))) {
                start++;
            }
            max = Math.max(max, i - start + 1);
        }
        return max;
    }

    private static RedissonClient client(String url) {
        Config config = new Config();
        config.useSingleServer().setAddress(url).setConnectionMinimumIdleSize(1).setConnectionPoolSize(16);
        return Redisson.create(config);
    }
}

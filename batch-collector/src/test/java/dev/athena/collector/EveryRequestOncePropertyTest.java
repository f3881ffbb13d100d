package dev.athena.collector;

import static dev.athena.collector.TestRequests.fields;
import static dev.athena.collector.TestRequests.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.collector.cache.CacheHit;
import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.cache.CacheTier;
import dev.athena.collector.quota.ClientQuotas;
import dev.athena.collector.state.StoreKind;
import dev.athena.collector.window.TokenEstimate;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.CachedAnalysis;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ProviderNames;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.From;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * For generated request streams (valid, invalid, retried, cached, over several clients, routes and lanes, with
 * time passing in between): every request id ends in exactly one batch item requester or one direct result, and
 * no batch exceeds its caps.
 */
class EveryRequestOncePropertyTest {
    private static final int MAX_ITEMS = 4;
    private static final long MAX_TOKENS = 1_500;
    private static final String CACHED_CODE = "cached()";

    enum Kind { VALID, BURST, INVALID, RETRY, WAIT }

    record Step(Kind kind, int client, int code, boolean bulk, int provider, boolean large, int waitMs) {
    }

    @Provide
    Arbitrary<Step> steps() {
        return Combinators.combine(
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.VALID)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.BURST)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.INVALID)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.RETRY)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.WAIT))),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 7),
                Arbitraries.of(true, false), Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 60))
                .as(Step::new);
    }

    /**
     * client-0 at 6 items/s over 6 partitions: 1/s in the one task here, 1 at once, so its work outgrows what a
     * route keeps of it in memory (2 × {@link #MAX_ITEMS}) and the rest waits on disk.
     */
    private static final ClientQuotas ONE_CLIENT_LIMITED = new ClientQuotas(0, Map.of("client-0", 6.0), 1);

    // One collector per property for all its tries, as in production: each try is a further stream of requests
    // with ids of its own, and ends by letting every window close. In-memory stores: TopologyTestDriver commits
    // after every input, and flushing RocksDB each time would make this the slowest test by far; the logic is
    // the same.
    private static final Map<ClientQuotas, Path> stateDirs = new HashMap<>();
    private static final Map<ClientQuotas, TopologyFixture> fixtures = new HashMap<>();
    private static int tries;

    private static TopologyFixture fixture(ClientQuotas quotas) throws IOException {
        TopologyFixture fixture = fixtures.get(quotas);
        if (fixture == null) {
            Path stateDir = Files.createTempDirectory("collector-property-");
            stateDirs.put(quotas, stateDir);
            fixture = new TopologyFixture(new CollectorSettings("127.0.0.1:1", "collector-property", stateDir,
                    Duration.ofMillis(50), Duration.ofMillis(100), MAX_ITEMS, MAX_TOKENS, 4 * 1024,
                    Duration.ofMillis(50)).withQuotas(quotas), new CachedCodeLookup(), StoreKind.IN_MEMORY);
            fixtures.put(quotas, fixture);
        }
        return fixture;
    }

    @AfterContainer
    static void closeFixtures() throws IOException {
        for (TopologyFixture fixture : fixtures.values()) {
            fixture.close();
        }
        fixtures.clear();
        for (Path stateDir : stateDirs.values()) {
            deleteTree(stateDir);
        }
        stateDirs.clear();
    }

    @Property(tries = 300, seed = "20261130")
    void everyRequestEndsExactlyOnceAndNoBatchExceedsItsCaps(
            @ForAll @Size(max = 60) List<@From("steps") Step> steps) throws IOException {
        check(fixture(ClientQuotas.unlimited()), steps);
    }

    @Property(tries = 100, seed = "20261201")
    void everyRequestEndsExactlyOnceWhenAClientSendsOverItsRate(
            @ForAll @Size(min = 20, max = 60) List<@From("steps") Step> steps) throws IOException {
        TopologyFixture f = fixture(ONE_CLIENT_LIMITED);
        // two routes (one per lane), three steps in four from the limited client, so its work piles up
        check(f, steps.stream().map(s -> new Step(s.kind(), s.client() == 3 ? 1 : 0, s.code(), s.bulk(), 0,
                s.large(), s.waitMs())).toList());
        assertThat(f.metrics.waiting()).isZero();
    }

    private static void check(TopologyFixture f, List<Step> steps) {
        String tryId = "t" + (tries++);
        Map<String, byte[]> sent = new HashMap<>();
        List<String> order = new ArrayList<>();
        {
            for (Step step : steps) {
                switch (step.kind()) {
                    case WAIT -> f.advance(step.waitMs());
                    case RETRY -> {
                        if (!order.isEmpty()) {
                            String id = order.get(step.code() * 31 % order.size());
                            f.send(id, sent.get(id));
                        }
                    }
                    case VALID, INVALID -> send(f, tryId, step, sent, order);
                    case BURST -> {
                        // several questions of one client on one route at once: fills windows past their caps
                        for (int i = 0; i <= step.code(); i++) {
                            send(f, tryId, new Step(Kind.VALID, step.client(), (step.code() + i) % 7, step.bulk(),
                                    step.provider(), step.large(), 0), sent, order);
                        }
                    }
                }
            }
            f.advance(200);
            f.advance(200);
            // a client over its rate still has work in line: its turns come every tick
            for (int tick = 0; tick < 10_000 && f.metrics.openRecords() > 0; tick++) {
                f.advance(10);
            }

            List<AnalysisBatch> batches = f.batches.readValuesToList();
            List<BatchResult> results = f.results.readValuesToList();
            List<String> answered = Stream.concat(
                    batches.stream().flatMap(b -> b.items().stream()).flatMap(i -> i.requesters().stream()),
                    results.stream().flatMap(r -> r.items().stream()).flatMap(i -> i.requesters().stream()))
                    .map(Requester::requestId).sorted().toList();
            assertThat(answered).containsExactlyElementsOf(order.stream().sorted().toList());
            for (AnalysisBatch batch : batches) {
                assertThat(batch.items()).hasSizeBetween(1, MAX_ITEMS);
                long tokens = batch.items().stream().mapToLong(i -> TokenEstimate.of(i.request())).sum();
                assertThat(tokens <= MAX_TOKENS || batch.items().size() == 1)
                        .as("batch of %d tokens over %d", tokens, MAX_TOKENS).isTrue();
                for (BatchItem item : batch.items()) {
                    assertThat(item.request().lane().wireName()).isEqualTo(batch.route().split("/")[2]);
                }
            }
            for (BatchResult result : results) {
                ItemResult item = result.items().get(0);
                assertThat(item.status()).isIn(ResultStatus.REJECTED, ResultStatus.COMPLETED);
                assertThat(item.status() == ResultStatus.COMPLETED).isEqualTo(item.cached());
            }
            assertThat(f.metrics.openRecords()).isZero();
        }
    }

    private static void send(TopologyFixture f, String tryId, Step step, Map<String, byte[]> sent,
            List<String> order) {
        String id = tryId + "-" + order.size();
        byte[] body = body(id, step);
        sent.put(id, body);
        order.add(id);
        f.send(id, body);
    }

    private static byte[] body(String id, Step step) {
        String code = step.code() == 7 ? CACHED_CODE
                : (step.large() ? "x".repeat(2_000) : "") + "print(" + step.code() + ")";
        Map<String, Object> fields = fields(id, "client-" + step.client(), code);
        fields.put("lane", step.bulk() ? "bulk" : "interactive");
        if (step.provider() > 0) {
            // two providers admission knows, so items take routes of their own
            fields.put("provider", ProviderNames.ALL.get(step.provider() - 1));
            fields.put("model", "m");
        }
        if (step.kind() == Kind.INVALID) {
            fields.put("code", "");
        }
        return json(fields);
    }

    /** Answers only the question with {@link #CACHED_CODE}, from L1. */
    private static final class CachedCodeLookup implements CacheLookup {
        @Override
        public Optional<CacheHit> find(String cacheKey) {
            String hash = dev.athena.schemas.cache.CacheKey.of("auto", "auto",
                    dev.athena.schemas.message.AnalysisType.SECURITY, CACHED_CODE, Map.of()).value();
            if (!cacheKey.equals(hash)) {
                return Optional.empty();
            }
            return Optional.of(new CacheHit(new CachedAnalysis(1, cacheKey, ServedBy.of("builtin", "rules-1"),
                    List.of(), "clean", null, null), CacheTier.L1));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

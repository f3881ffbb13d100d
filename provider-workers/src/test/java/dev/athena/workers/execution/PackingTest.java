package dev.athena.workers.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.infra.fake.Fault;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.builtin.BuiltinProvider;
import dev.athena.workers.provider.vendor.Pricing;
import dev.athena.workers.provider.vendor.VendorSettings;
import dev.athena.workers.provider.vendor.openai.OpenAiCompatibleProvider;
import dev.athena.workers.resilience.ProviderPolicy;
import dev.athena.workers.resilience.RateLimit;
import dev.athena.workers.resilience.ResilientProvider;
import dev.athena.workers.resilience.Sleeper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Packing against the fake provider and the real OpenAI adapter. Every file carries its own marker, and the fake
 * model reports the marker it read as the finding's message, so an item that received another item's findings
 * would show a foreign marker.
 */
class PackingTest {
    private static final Pattern BLOCK = Pattern.compile("=== item (\\S+) ===\\n(.*?)=== end item \\1 ===",
            Pattern.DOTALL);
    private static final Pattern MARKER = Pattern.compile("MARK-\\d+");
    private static final Pricing PRICING = new Pricing(1.0, 2.0, 0.5);

    private final FakeProviderServer server = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkerMetrics metrics = new WorkerMetrics(registry);
    private final Clock clock = Clock.systemUTC();

    @AfterEach
    void stop() {
        server.close();
        threads.shutdownNow();
    }

    private BatchExecutor executor(Packing packing) {
        VendorSettings o = VendorSettings.of("openai", server.baseUrl(), "k", "gpt-4o-mini", PRICING)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));
        ProviderPolicy policy = ProviderPolicy.of(10_000, 10_000_000, 8).withRetry(1, Duration.ZERO, Duration.ZERO);
        ResilientProvider openai = new ResilientProvider(new OpenAiCompatibleProvider(o, clock), policy,
                RateLimit.NONE, clock, Sleeper.SYSTEM, new SplittableRandom(3), metrics);
        ProviderRoster roster = ProviderRoster.of(List.of(openai), new BuiltinProvider())
                .withPacking(packing == null ? Map.of() : Map.of("openai", packing));
        ItemExecutor items = new ItemExecutor(roster, clock, Duration.ofSeconds(20), threads, metrics);
        return new BatchExecutor(items, threads, clock);
    }

    private static BatchItem item(int n, boolean stream) {
        String code = "x = \"MARK-" + n + "\"\nprint(x)\n";
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "r" + n, "c1", AnalysisType.SECURITY,
                "python", "f" + n + ".py", code, null, null, Lane.INTERACTIVE, Map.of(),
                Instant.now().plusSeconds(30), stream, null, null);
        return new BatchItem("analysis:auto:auto:security:" + n, request, List.of(new Requester("r" + n, "c1", null,
                null)));
    }

    private static AnalysisBatch batch(List<BatchItem> items) {
        return new AnalysisBatch(SchemaVersion.CURRENT, "b1", "auto:auto:interactive", Instant.now(), Instant.now(),
                items);
    }

    private static String userMessage(FakeProviderServer.Recorded request) {
        var messages = Json.tree(request.body().getBytes(StandardCharsets.UTF_8)).path("messages");
        return messages.path(messages.size() - 1).path("content").asString("");
    }

    private static String section(String id, String marker, int line) {
        return "{\"id\": \"" + id + "\", \"findings\": [{\"ruleId\": \"marker\", \"severity\": \"low\", \"line\": "
                + line + ", \"message\": \"read " + marker + "\"}], \"summary\": \"one\"}";
    }

    private static String marker(String text) {
        Matcher m = MARKER.matcher(text);
        return m.find() ? m.group() : "none";
    }

    /** The ids and markers of a packed prompt, in prompt order; empty for a single request. */
    private static Map<String, String> blocks(String userMessage) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(userMessage);
        while (m.find()) {
            out.put(m.group(1), marker(m.group(2)));
        }
        return out;
    }

    /** A careful model: one section per id, each about its own file; a single request answered alone. */
    private static Fault honest(FakeProviderServer.Recorded request) {
        String user = userMessage(request);
        Map<String, String> blocks = blocks(user);
        if (blocks.isEmpty()) {
            return new Fault.Answer("{\"findings\": [{\"ruleId\": \"marker\", \"line\": 1, \"message\": \"read "
                    + marker(user) + "\"}]}");
        }
        List<String> sections = new ArrayList<>();
        blocks.forEach((id, marker) -> sections.add(section(id, marker, 1)));
        return new Fault.Answer("{\"items\": [" + String.join(", ", sections) + "]}");
    }

    private static void assertOwnFindingsOnly(BatchResult result, List<BatchItem> items) {
        assertThat(result.items()).hasSize(items.size());
        for (int i = 0; i < items.size(); i++) {
            ItemResult r = result.items().get(i);
            String own = marker(items.get(i).request().code());
            assertThat(r.cacheKey()).isEqualTo(items.get(i).cacheKey());
            assertThat(r.status()).as(r.cacheKey()).isEqualTo(ResultStatus.COMPLETED);
            assertThat(r.servedBy().provider()).isEqualTo("openai");
            assertThat(r.findings()).as("findings of " + own).isNotEmpty()
                    .extracting(Finding::message).allSatisfy(m -> assertThat(m).isEqualTo("read " + own));
        }
    }

    @Test
    void shouldSendSmallItemsInOneCallAndSplitFindingsAndUsagePerItem() throws Exception {
        server.respond(PackingTest::honest);
        List<BatchItem> items = new ArrayList<>();
        for (int n = 1; n <= 5; n++) {
            items.add(item(n, false));
        }
        BatchResult result = executor(new Packing(3, 4_000)).execute(batch(items));

        assertOwnFindingsOnly(result, items);
        assertThat(server.requests()).hasSize(2); // 3 + 2 items
        assertThat(blocks(userMessage(server.requests().get(0))).size()
                + blocks(userMessage(server.requests().get(1))).size()).isEqualTo(5);
        // the fake bills body length / 4 input tokens per call: the items' shares add up to exactly that
        long billed = server.requests().stream().mapToLong(r -> Math.max(1, r.body().length() / 4)).sum();
        assertThat(result.items().stream().mapToLong(r -> r.usage().inputTokens()).sum()).isEqualTo(billed);
        assertThat(result.items()).allSatisfy(r -> {
            assertThat(r.usage().inputTokens()).isPositive();
            assertThat(r.usage().outputTokens()).isPositive();
            assertThat(r.usage().costUsd()).isPositive();
        });
    }

    @Test
    void shouldRetryAloneWhatAnAdversarialAnswerSwapsDuplicatesOmitsOrBreaks() throws Exception {
        server.respond(request -> {
            Map<String, String> blocks = blocks(userMessage(request));
            if (blocks.isEmpty()) {
                return honest(request);
            }
            List<String> ids = new ArrayList<>(blocks.keySet());
            List<String> sections = new ArrayList<>();
            sections.add(section(ids.get(5), blocks.get(ids.get(5)), 1));             // F: fine, listed first
            sections.add("{\"id\": \"" + ids.get(4) + "\", \"findings\": \"none\"}"); // E: malformed section
            sections.add(section(ids.get(3), blocks.get(ids.get(0)), 40));           // D: another file's, line 40
            // C: omitted
            sections.add(section(ids.get(1), blocks.get(ids.get(1)), 1));             // B: twice, once with A's
            sections.add(section(ids.get(1), blocks.get(ids.get(0)), 1));
            sections.add(section("ffffff-9", blocks.get(ids.get(2)), 1));             // an id nobody has
            sections.add(section(ids.get(0), blocks.get(ids.get(0)), 2));             // A: fine, listed last
            return new Fault.Answer("Here you go:\n```json\n{\"items\": [" + String.join(", ", sections)
                    + "]}\n```");
        });
        List<BatchItem> items = new ArrayList<>();
        for (int n = 1; n <= 6; n++) {
            items.add(item(n, false));
        }
        BatchResult result = executor(new Packing(6, 4_000)).execute(batch(items));

        assertOwnFindingsOnly(result, items);
        // one packed call, then B, C, D and E each on its own
        assertThat(server.requests()).hasSize(5);
        List<String> alone = server.requests().stream().skip(1).map(r -> marker(userMessage(r))).sorted().toList();
        assertThat(alone).containsExactly("MARK-2", "MARK-3", "MARK-4", "MARK-5");
        assertThat(result.items().get(0).findings().getFirst().line()).isEqualTo(2);
        assertThat(registry.counter(WorkerMetrics.PACKED_ITEMS, "provider", "openai", "outcome", "answered").count())
                .isEqualTo(2.0);
        assertThat(registry.counter(WorkerMetrics.PACKED_ITEMS, "provider", "openai", "outcome", "alone").count())
                .isEqualTo(4.0);
    }

    @Test
    void shouldBeAnsweredInOneCallByTheFakesDefaultAnswer() throws Exception {
        server.answer("{\"findings\": [], \"summary\": \"clean\"}");
        List<BatchItem> items = List.of(item(1, false), item(2, false), item(3, false), item(4, false));
        BatchResult result = executor(new Packing(4, 4_000)).execute(batch(items));

        assertThat(server.requests()).hasSize(1);
        assertThat(result.items()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(ResultStatus.COMPLETED);
            assertThat(r.summary()).isEqualTo("clean");
            assertThat(r.findings()).isEmpty();
        });
    }

    @Test
    void shouldRunEveryItemAloneWhenThePackedCallFails() throws Exception {
        server.respond(PackingTest::honest).enqueue(new Fault.Status(503));
        List<BatchItem> items = List.of(item(1, false), item(2, false), item(3, false));
        BatchResult result = executor(new Packing(4, 4_000)).execute(batch(items));

        assertOwnFindingsOnly(result, items);
        assertThat(server.requests()).hasSize(4);
        assertThat(blocks(userMessage(server.requests().getFirst()))).hasSize(3);
    }

    @Test
    void shouldPackOnlyWhatFitsAndNeverStreamedItems() {
        List<BatchItem> items = List.of(item(1, false), item(2, true), item(3, false), item(4, false), item(5, false));
        ProviderRoster roster = ProviderRoster.of(List.of(new OpenAiCompatibleProvider(VendorSettings.of("openai",
                server.baseUrl(), "k", "m", Pricing.FREE), clock)), new BuiltinProvider());
        long each = Packing.tokens(items.getFirst().request());
        List<List<Integer>> groups = PackPlanner.plan(items,
                roster.withPacking(Map.of("openai", new Packing(10, each * 2))), Instant.now());
        assertThat(groups).containsExactly(List.of(1), List.of(0, 2), List.of(3, 4));
        assertThat(PackPlanner.plan(items, roster, Instant.now())).hasSize(5).allSatisfy(g -> assertThat(g).hasSize(1));
    }
}

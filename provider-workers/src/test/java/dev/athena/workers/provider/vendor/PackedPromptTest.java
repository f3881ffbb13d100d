package dev.athena.workers.provider.vendor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Usage;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.Pack;
import dev.athena.workers.provider.spi.ProviderAnswer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The split of packed answers, against many random adversarial answers (fixed seed). */
class PackedPromptTest {
    private static final Pricing PRICING = new Pricing(3.0, 15.0, 0.3);

    private enum Move { HONEST, OMIT, DUPLICATE, MALFORMED, FOREIGN_PAST_END }

    private static String marker(int n) {
        return "MARK-" + n;
    }

    private static String section(String id, String marker, int line) {
        return "{\"id\": \"" + id + "\", \"findings\": [{\"ruleId\": \"r\", \"severity\": \"low\", \"line\": " + line
                + ", \"message\": \"" + marker + "\"}], \"summary\": \"s\"}";
    }

    @Test
    void shouldNeverGiveAnItemAnotherItemsFindingsWhateverTheAnswer() {
        Random random = new Random(20261130L);
        for (int round = 0; round < 300; round++) {
            int size = 2 + random.nextInt(7);
            List<Pack.Item> items = new ArrayList<>();
            List<Integer> lines = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                int n = 1 + random.nextInt(6);
                lines.add(n);
                String code = "x = \"" + marker(i) + "\"\n" + "y = 1\n".repeat(n - 1);
                items.add(new Pack.Item(Integer.toHexString(random.nextInt(1 << 24)) + "-" + (i + 1),
                        AnalysisRequest.of("r" + i, "c", AnalysisType.SECURITY, code)));
            }
            Pack pack = new Pack(items);
            List<String> sections = new ArrayList<>();
            Set<String> honest = new HashSet<>();
            for (int i = 0; i < size; i++) {
                String id = items.get(i).id();
                Move move = Move.values()[random.nextInt(Move.values().length)];
                int other = (i + 1 + random.nextInt(size - 1)) % size;
                switch (move) {
                    case HONEST -> {
                        sections.add(section(id, marker(i), 1 + random.nextInt(lines.get(i))));
                        honest.add(id);
                    }
                    case OMIT -> {
                    }
                    case DUPLICATE -> {
                        sections.add(section(id, marker(i), 1));
                        sections.add(section(id, marker(other), 1));
                    }
                    case MALFORMED -> sections.add("{\"id\": \"" + id + "\", \"findings\": {\"line\": 1}}");
                    case FOREIGN_PAST_END -> sections.add(section(id, marker(other), lines.get(i) + 1
                            + random.nextInt(50)));
                }
            }
            if (random.nextBoolean()) {
                sections.add(section("000000-99", marker(random.nextInt(size)), 1));
            }
            Collections.shuffle(sections, random);
            Usage total = PRICING.usage(1000 + random.nextInt(5000), 100 + random.nextInt(900), random.nextInt(500));
            ProviderAnswer answer = PackedPrompt.answer("p", "```json\n{\"items\": [" + String.join(",", sections)
                    + "]}\n```", pack, "m", total, PRICING);

            assertThat(answer.parts().keySet()).as("round %d", round).isEqualTo(honest);
            for (int i = 0; i < size; i++) {
                ProviderAnswer part = answer.parts().get(items.get(i).id());
                if (part != null) {
                    assertThat(part.findings()).extracting(Finding::message).containsOnly(marker(i));
                }
            }
            if (!honest.isEmpty()) {
                long in = answer.parts().values().stream().mapToLong(p -> p.usage().inputTokens()).sum();
                long out = answer.parts().values().stream().mapToLong(p -> p.usage().outputTokens()).sum();
                long cached = answer.parts().values().stream().mapToLong(p -> p.usage().cacheReadTokens()).sum();
                double cost = answer.parts().values().stream().mapToDouble(p -> p.usage().costUsd()).sum();
                assertThat(in).isEqualTo(total.inputTokens());
                assertThat(out).isEqualTo(total.outputTokens());
                assertThat(cached).isEqualTo(total.cacheReadTokens());
                assertThat(cost).isCloseTo(total.costUsd(), org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }

    @Test
    void shouldFailTheWholeCallWhenTheAnswerHoldsNoItems() {
        Pack pack = new Pack(List.of(new Pack.Item("a-1", AnalysisRequest.of("r1", "c", AnalysisType.SECURITY, "x")),
                new Pack.Item("b-2", AnalysisRequest.of("r2", "c", AnalysisType.SECURITY, "y"))));
        assertThatThrownBy(() -> PackedPrompt.answer("p", "{\"findings\": []}", pack, "m", Usage.NONE, PRICING))
                .isInstanceOfSatisfying(FatalProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(FatalProviderException.Kind.CONTRACT));
        assertThat(PackedPrompt.userMessage(pack)).contains("=== item a-1 ===", "=== end item b-2 ===")
                .doesNotContain(Prompt.INSTRUCTIONS);
        assertThatThrownBy(() -> new Pack(List.of(pack.items().getFirst(), pack.items().getFirst())))
                .hasMessageContaining("'a-1' repeats");
    }

    @Test
    void shouldSplitAmountsInProportionKeepingTheSum() {
        assertThat(PackedPrompt.split(10, new long[] {1, 1, 1})).containsExactly(3, 3, 4);
        assertThat(PackedPrompt.split(100, new long[] {3, 1})).containsExactly(75, 25);
        assertThat(PackedPrompt.split(0, new long[] {5, 5})).containsExactly(0, 0);
    }
}

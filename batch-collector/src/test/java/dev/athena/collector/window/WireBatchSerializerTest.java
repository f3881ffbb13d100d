package dev.athena.collector.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.validation.Decoded;
import dev.athena.schemas.validation.RequestDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireBatchSerializerTest {
    private static final List<String> WIRE_FORMS = List.of(
            // canonical, as the mapper writes it
            new String(Json.write(AnalysisRequest.of("r-1", "team-a", dev.athena.schemas.message.AnalysisType.SECURITY,
                    "print(1)")), StandardCharsets.UTF_8),
            // what producers also send: float version, no lane, numeric options, unknown field, whitespace, escapes
            "{ \"schemaVersion\": 1.0, \"requestId\": \"r-2\", \"clientId\": \"team-b\","
                    + " \"analysisType\": \"security\", \"code\": \"print('\\u00e9')\\n\","
                    + " \"options\": {\"depth\": 2, \"fast\": true},"
                    + " \"deadline\": \"2026-11-30T10:15:00Z\", \"stream\": false, \"x-extra\": [1, {\"a\": null}] }",
            "{\"schemaVersion\":1,\"requestId\":\"r-3\",\"clientId\":\"team-c\",\"analysisType\":\"security\","
                    + "\"code\":\"é ✓ 😀\",\"lane\":\"bulk\",\"provider\":\"openai\",\"model\":\"gpt\","
                    + "\"replyTo\":\"athena.results.team-c\",\"createdAt\":\"2026-11-30T10:15:00.123456Z\"}");

    @Test
    void shouldReadBackAsTheBatchTheMapperWouldHaveWritten() {
        List<BatchItem> items = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (String form : WIRE_FORMS) {
            byte[] wire = form.getBytes(StandardCharsets.UTF_8);
            AnalysisRequest request = ((Decoded.Accepted) RequestDecoder.ofDefaults().decode(wire)).request();
            items.add(new BatchItem("key-" + request.requestId(), request,
                    List.of(new Requester(request.requestId(), request.clientId(), request.replyTo(), "00-t-01"),
                            new Requester("again-" + request.requestId(), "team-z", null, null))));
            bytes.add(wire);
        }
        AnalysisBatch batch = new AnalysisBatch(1, "b-1", "auto/auto/interactive",
                Instant.parse("2026-11-30T10:00:00.100Z"), Instant.parse("2026-11-30T10:00:00.150Z"), items);

        byte[] spliced = new WireBatchSerializer().serialize("t", new WireBatch(batch, bytes));

        assertThat(Json.read(spliced, AnalysisBatch.class)).isEqualTo(batch);
        // and the envelope is the mapper's, field for field, wherever the request is the canonical form
        var tree = Json.tree(spliced);
        var expected = Json.tree(Json.write(batch));
        assertThat(tree.get("items").get(0)).isEqualTo(expected.get("items").get(0));
        assertThat(tree.properties().stream().map(java.util.Map.Entry::getKey).toList())
                .isEqualTo(expected.properties().stream().map(java.util.Map.Entry::getKey).toList());
        assertThat(tree.get("windowStart")).isEqualTo(expected.get("windowStart"));
    }

    @Test
    void shouldEscapeEveryStringOfTheEnvelopeAsTheMapperDoes() {
        String awkward = "q\"b\\s/\n\r\t\b\f\u0001\u001f\u007f é ✓ 😀 \uD800 end";
        List<BatchItem> items = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AnalysisRequest request = AnalysisRequest.of("r-" + i, "team-" + i,
                    dev.athena.schemas.message.AnalysisType.SECURITY, "print(" + i + ")");
            items.add(new BatchItem("analysis:" + awkward + ":" + i, request, List.of(
                    new Requester(request.requestId(), request.clientId(), awkward, i == 1 ? null : awkward))));
            bytes.add(Json.write(request));
        }
        AnalysisBatch batch = new AnalysisBatch(1, "b-" + awkward, awkward + "/m/bulk",
                Instant.parse("2026-11-30T10:00:00Z"), null, items);

        byte[] spliced = new WireBatchSerializer().serialize("t", new WireBatch(batch, bytes));

        assertThat(Json.tree(spliced)).isEqualTo(Json.tree(Json.write(batch)));
        assertThat(Json.read(spliced, AnalysisBatch.class).route()).isEqualTo(batch.route());
    }

    /**
     * Strings on the fast path and off it: characters beyond Latin-1 whose low byte is plain (ISO-8859-1 makes
     * them '?'), a real '?', Latin-1 letters, DEL, and specials at every offset of an eight-byte word.
     */
    @Test
    void shouldWriteAnyStringByteForByteAsTheMapperDoes() {
        String alphabet = "abcXYZ019:-_./?\"\\\n\u0001\u007f\u00e9\u00ff\u0141\u0142\u2713\uD83D\uDE00\uD800";
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        WireBatchSerializer serializer = new WireBatchSerializer();
        for (int n = 0; n < 2_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            boolean plain = random.nextBoolean();
            for (int i = 0; i < length; i++) {
                text.append(plain && i != length / 2 ? 'p' : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String value = text.toString();
            AnalysisRequest request = AnalysisRequest.of("r-1", "team-a",
                    dev.athena.schemas.message.AnalysisType.SECURITY, "print(1)");
            AnalysisBatch batch = new AnalysisBatch(1, value, "auto/auto/interactive",
                    Instant.parse("2026-11-30T10:00:00Z"), null, List.of(new BatchItem(value, request,
                            List.of(new Requester(value, "team-a", value, value)))));

            byte[] spliced = serializer.serialize("t", new WireBatch(batch, List.of(Json.write(request))));

            assertThat(new String(spliced, java.nio.charset.StandardCharsets.UTF_8)).as("string %s", value)
                    .isEqualTo(new String(Json.write(batch), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** The buffer kept between batches: grown, kept, too large to keep, and each output exactly its batch. */
    @Test
    void shouldWriteEachBatchAtItsOwnSizeWhateverWasWrittenBefore() {
        var serializer = new WireBatchSerializer();
        for (int codeBytes : List.of(10, 200_000, 10, 3 * WireBatchSerializer.MAX_KEPT_BUFFER, 70_000, 10)) {
            AnalysisRequest request = AnalysisRequest.of("r-" + codeBytes, "team-a",
                    dev.athena.schemas.message.AnalysisType.SECURITY, "x".repeat(codeBytes));
            AnalysisBatch batch = new AnalysisBatch(1, "b-" + codeBytes, "builtin/rules-1/interactive",
                    Instant.parse("2026-11-30T10:00:00Z"), Instant.parse("2026-11-30T10:00:00.100Z"),
                    List.of(new BatchItem("k-" + codeBytes, request,
                            List.of(new Requester(request.requestId(), "team-a", null, null)))));

            byte[] spliced = serializer.serialize("t", new WireBatch(batch, List.of(Json.write(request))));

            assertThat(Json.read(spliced, AnalysisBatch.class)).isEqualTo(batch);
            assertThat(spliced).hasSize(Json.write(batch).length);
        }
    }
}

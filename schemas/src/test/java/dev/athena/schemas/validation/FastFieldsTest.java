package dev.athena.schemas.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@link FastFields} against the general reader ({@link RequestDecoder#topLevelFields}): wherever it answers,
 * it answers the same members; it answers for the usual requests; it declines what it does not handle.
 */
class FastFieldsTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String REQUEST = "{\"schemaVersion\":1,\"requestId\":\"r-1\",\"clientId\":\"team-a\","
            + "\"analysisType\":\"security\",\"path\":\"src/app.py\",\"code\":\"import os\\n\\tprint(\\\"hi\\\")\\n\","
            + "\"lane\":\"bulk\",\"stream\":false,\"deadline\":null}";

    /** What the fast reader read, as the general reader's map; null where it declined. */
    private static Map<String, JsonNode> fast(byte[] bytes) {
        Members members = FastFields.read(bytes);
        return members == null ? null : members.toMap();
    }

    @Test
    void readsTheUsualRequestAsTheGeneralReaderDoes() {
        Map<String, JsonNode> fast = fast(utf8(REQUEST));

        assertThat(fast).isNotNull().isEqualTo(RequestDecoder.topLevelFields(utf8(REQUEST)));
        assertThat(fast.get("code").stringValue()).isEqualTo("import os\n\tprint(\"hi\")\n");
        assertThat(fast.get("schemaVersion")).isEqualTo(NODES.numberNode(1));
        assertThat(fast.get("stream")).isEqualTo(NODES.booleanNode(false));
        assertThat(fast.get("deadline").isNull()).isTrue();
    }

    @Test
    void decodesEveryEscapeAndRawUnicode() {
        String json = "{\"s\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u20AC\\u0000 é€😀 plain\"}";

        Map<String, JsonNode> fast = fast(utf8(json));

        assertThat(fast).isNotNull().isEqualTo(RequestDecoder.topLevelFields(utf8(json)));
        assertThat(fast.get("s").stringValue()).isEqualTo("q\" b\\ s/ \b\f\n\r\t Aé€\u0000 é€😀 plain");
    }

    @Test
    void typesIntegersAsTheGeneralReaderDoes() {
        String json = "{\"a\":0,\"b\":-0,\"c\":2147483647,\"d\":2147483648,\"e\":-2147483648,\"f\":-2147483649,"
                + "\"g\":123456789012345678}";

        Map<String, JsonNode> fast = fast(utf8(json));

        assertThat(fast).isNotNull().isEqualTo(RequestDecoder.topLevelFields(utf8(json)));
        assertThat(fast.get("c").isInt()).isTrue();
        assertThat(fast.get("d").isLong()).isTrue();
    }

    @Test
    void keepsTheLastOfARepeatedMemberAndAllowsWhitespaceAndAnEmptyObject() {
        String json = " \r\n\t{ \"a\" : \"x\" ,\n\"a\":\t\"y\" }\n ";

        assertThat(fast(utf8(json))).isEqualTo(Map.of("a", NODES.stringNode("y")));
        assertThat(fast(utf8("{}"))).isEmpty();
    }

    @Test
    void findsKnownNamesByTheirBytesAndReadsEveryOtherNameAsWritten() {
        String json = "{\"requ\\u0065stId\":\"a\",\"code\":\"x\",\"cod\":1,\"codes\":2,\"Code\":3,\"codE\":4,"
                + "\"code\":\"y\",\"\":5,\"\u00e9\":6,\"lanes\":7,\"replyTo\":null}";
        Map<String, JsonNode> fast = fast(utf8(json));
        assertThat(fast).isNotNull().isEqualTo(RequestDecoder.topLevelFields(utf8(json)));
        assertThat(fast).containsEntry("requestId", NODES.stringNode("a")).containsEntry("code", NODES.stringNode("y"))
                .containsEntry("replyTo", NODES.nullNode()).hasSize(10);
        for (String name : Members.KNOWN) {
            byte[] spelled = utf8("x" + name + "x");
            assertThat(Members.indexOf(spelled, 1, name.length())).as(name).isEqualTo(Members.indexOf(name))
                    .isNotNegative();
            assertThat(Members.indexOf(spelled, 1, name.length() - 1)).as(name).isNegative();
            assertThat(Members.indexOf(spelled, 0, name.length())).as(name).isNegative();
        }
    }

    @Test
    void declinesWhatItDoesNotHandle() {
        List<String> declined = List.of(
                "{\"options\":{\"k\":\"v\"}}", "{\"a\":[1]}", "{\"a\":1.0}", "{\"a\":1e3}", "{\"a\":01}",
                "{\"a\":1234567890123456789}", "{\"a\":-}", "{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\x\"}",
                "{\"a\":\"\\u12\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"open}", "{\"a\":truth}", "{\"a\":1x}",
                "{\"a\":1}{}", "{\"a\":1} x", "{\"a\":1,}", "{,\"a\":1}", "{\"a\" 1}", "{a:1}", "[1]", "\"text\"",
                "\uFEFF{\"a\":1}", "{\"a\":1", "{\"" + "n".repeat(FastFields.MAX_NAME_BYTES + 1) + "\":1}",
                "{\"a\":\"" + "x".repeat(FastFields.MAX_STRING_BYTES + 1) + "\"}", "{\"a\":nul}", "{\"a\":'x'}");
        for (String json : declined) {
            assertThat(fast(utf8(json))).as(json).isNull();
        }
    }

    @Test
    void decoderResultsStayTheSameWhereTheFastReaderDeclines() {
        String withOptions = REQUEST.replace("\"lane\"", "\"options\":{\"depth\":\"deep\",\"n\":2},\"lane\"");
        String withFloatVersion = REQUEST.replace("\"schemaVersion\":1", "\"schemaVersion\":1.0");

        assertThat(fast(utf8(withOptions))).isNull();
        assertThat(RequestDecoder.ofDefaults().decode(utf8(withOptions))).isInstanceOfSatisfying(
                Decoded.Accepted.class, a -> assertThat(a.request().options()).containsEntry("depth", "deep")
                        .containsEntry("n", "2"));
        assertThat(fast(utf8(withFloatVersion))).isNull();
        assertThat(RequestDecoder.ofDefaults().decode(utf8(withFloatVersion))).isInstanceOf(Decoded.Accepted.class);
    }

    /**
     * Thousands of requests built from pieces that stress the reader (escapes, unicode, numbers at the int and
     * long edges, literals, nesting, whitespace), and each of them mangled: wherever the fast reader answers, the
     * general reader gives the same members; and it answers for every well-formed one it is meant to handle.
     */
    @Test
    void agreesWithTheGeneralReaderOnGeneratedAndMangledRecords() {
        SplittableRandom random = new SplittableRandom(20261130);
        int answered = 0;
        int compared = 0;
        for (int i = 0; i < 4_000; i++) {
            boolean handled = random.nextInt(4) != 0;
            byte[] record = utf8(generated(random, handled));
            Map<String, JsonNode> fast = fast(record);
            Map<String, JsonNode> general = RequestDecoder.topLevelFields(record);
            if (handled) {
                assertThat(fast).as(new String(record, StandardCharsets.UTF_8)).isNotNull();
            }
            if (fast != null) {
                assertThat(fast).as(new String(record, StandardCharsets.UTF_8)).isEqualTo(general);
                answered++;
            }
            for (int m = 0; m < 5; m++) {
                byte[] mangled = mangle(random, record);
                if (Utf8.firstInvalid(mangled) >= 0) {
                    continue;
                }
                Map<String, JsonNode> fastMangled = fast(mangled);
                if (fastMangled != null) {
                    assertThat(fastMangled).as(new String(mangled, StandardCharsets.UTF_8))
                            .isEqualTo(RequestDecoder.topLevelFields(mangled));
                    compared++;
                }
            }
        }
        assertThat(answered).isGreaterThan(2_500);
        assertThat(compared).isGreaterThan(1_000);
    }

    /**
     * The code's UTF-8 bytes as kept are what encoding its String gives, for generated code of every piece the
     * reader handles, whether the member comes once or again later (as a string or not: the last one counts).
     */
    @Test
    void keepsTheUtf8BytesOfTheLastCodeMemberExactly() {
        SplittableRandom random = new SplittableRandom(20261202);
        int kept = 0;
        for (int i = 0; i < 2_000; i++) {
            String code = "\"" + stringContent(random, true, 60) + "\"";
            String again = List.of("", ",\"code\":" + value(random, true)).get(random.nextInt(2));
            byte[] record = utf8("{\"requestId\":\"r\",\"code\":" + code + ",\"k\":" + value(random, true) + again
                    + "}");

            Members members = FastFields.read(record);

            assertThat(members).as(new String(record, StandardCharsets.UTF_8)).isNotNull();
            JsonNode last = members.known(Members.CODE);
            Decoded.CodeUtf8 bytes = members.codeUtf8();
            if (!last.isString()) {
                assertThat(bytes).as(new String(record, StandardCharsets.UTF_8)).isNull();
                continue;
            }
            assertThat(Arrays.copyOfRange(bytes.bytes(), bytes.offset(), bytes.offset() + bytes.length()))
                    .as(new String(record, StandardCharsets.UTF_8))
                    .isEqualTo(last.stringValue().getBytes(StandardCharsets.UTF_8));
            kept++;
        }
        assertThat(kept).isGreaterThan(1_200);
    }

    private static String generated(SplittableRandom random, boolean onlyHandled) {
        StringBuilder json = new StringBuilder(whitespace(random)).append('{');
        int members = random.nextInt(12);
        for (int i = 0; i < members; i++) {
            if (i > 0) {
                json.append(whitespace(random)).append(',');
            }
            json.append(whitespace(random)).append('"').append(random.nextInt(3) == 0 ? "k" + random.nextInt(4)
                    : stringContent(random, true, 12)).append('"').append(whitespace(random)).append(':')
                    .append(whitespace(random)).append(value(random, onlyHandled));
        }
        return json.append(whitespace(random)).append('}').append(whitespace(random)).toString();
    }

    private static String value(SplittableRandom random, boolean onlyHandled) {
        int kind = random.nextInt(onlyHandled ? 6 : 9);
        return switch (kind) {
            case 0, 1 -> "\"" + stringContent(random, onlyHandled, random.nextInt(10) == 0 ? 200 : 12) + "\"";
            case 2 -> List.of("true", "false", "null").get(random.nextInt(3));
            case 3 -> Long.toString(List.of(0L, -1L, 7L, 2147483647L, 2147483648L, -2147483648L, -2147483649L,
                    999999999999999999L, -999999999999999999L).get(random.nextInt(9)));
            case 4 -> Integer.toString(random.nextInt());
            case 5 -> Long.toString(random.nextLong() / 100);
            case 6 -> "{\"x\":[1,2.5,\"y\"]}";
            case 7 -> random.nextBoolean() ? "1.5e3" : "-0.25";
            default -> "\"\\ud83d\\ude00 pair\"";
        };
    }

    private static String stringContent(SplittableRandom random, boolean onlyHandled, int maxPieces) {
        List<String> pieces = new ArrayList<>(List.of("a", "Hello", " ", "def f(x):", "\\n", "\\t", "\\\"", "\\\\",
                "\\/", "\\b", "\\f", "\\r", "\\u0041", "\\u00E9", "\\u20ac", "\\u0000", "é", "€", "😀", "漢字",
                "0123456789abcdef", "\u007f"));
        if (!onlyHandled) {
            pieces.add("\\ud800");
        }
        StringBuilder text = new StringBuilder();
        int count = random.nextInt(maxPieces);
        for (int i = 0; i < count; i++) {
            text.append(pieces.get(random.nextInt(pieces.size())));
        }
        return text.toString();
    }

    private static String whitespace(SplittableRandom random) {
        return List.of("", "", "", " ", "\n", "\t", "\r\n  ").get(random.nextInt(7));
    }

    private static byte[] mangle(SplittableRandom random, byte[] record) {
        if (record.length == 0) {
            return record;
        }
        byte[] copy = record.clone();
        int at = random.nextInt(copy.length);
        String alphabet = "{}[]\",:\\ntfu0159.-eE \t";
        switch (random.nextInt(3)) {
            case 0 -> copy[at] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            case 1 -> copy = Arrays.copyOf(copy, at);
            default -> {
                byte[] longer = new byte[copy.length + 1];
                System.arraycopy(copy, 0, longer, 0, at);
                longer[at] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
                System.arraycopy(copy, at, longer, at + 1, copy.length - at);
                copy = longer;
            }
        }
        return copy;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

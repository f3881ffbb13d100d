package dev.athena.schemas.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.Lane;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RequestDecoderTest {
    private static final String VALID = "{\"schemaVersion\":1,\"requestId\":\"req-1\",\"clientId\":\"team-a\","
            + "\"analysisType\":\"security\",\"code\":\"eval(x)\",\"options\":{\"max\":20,\"deep\":true,\"s\":\"v\"},"
            + "\"deadline\":\"2026-11-30T10:20:00+01:00\",\"stream\":true}";

    private final RequestDecoder decoder = RequestDecoder.ofDefaults();

    private Decoded decode(String json) {
        return decoder.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String withVersion(String version) {
        return "{\"schemaVersion\":" + version + ",\"requestId\":\"req-1\",\"clientId\":\"team-a\","
                + "\"analysisType\":\"security\",\"code\":\"x\"}";
    }

    @Test
    void shouldAcceptAValidRequestWithDefaultsAndOptionsAsStrings() {
        AnalysisRequest request = ((Decoded.Accepted) decode(VALID)).request();

        assertThat(request.lane()).isEqualTo(Lane.INTERACTIVE);
        assertThat(request.options()).isEqualTo(Map.of("max", "20", "deep", "true", "s", "v"));
        assertThat(request.deadline()).isEqualTo(Instant.parse("2026-11-30T09:20:00Z"));
        assertThat(request.streaming()).isTrue();
        assertThat(request.providerOrAuto()).isEqualTo("auto");
    }

    @Test
    void shouldGiveTheCacheKeyOfTheCodeFromTheBytesItReadWhereverItKeptThem() {
        String plain = withVersion("1").replace("\"code\":\"x\"", "\"code\":\"print(1)\"");
        String escaped = withVersion("1").replace("\"code\":\"x\"",
                "\"code\":\"a\\n\\t\\\"q\\\"\\\\ \\u00e9\\u20AC é€😀 漢字\"");
        String repeated = escaped.replace("\"analysisType\"", "\"code\":7,\"analysisType\"");
        String declined = VALID; // its options object is for the general reader

        for (String json : new String[] {plain, escaped, repeated}) {
            Decoded.Accepted accepted = (Decoded.Accepted) decode(json);

            assertThat(accepted.code()).as(json).isNotNull();
            assertThat(accepted.cacheKey()).as(json).isEqualTo(CacheKey.ofRequested(accepted.request()));
        }
        Decoded.Accepted general = (Decoded.Accepted) decode(declined);
        assertThat(general.code()).isNull();
        assertThat(general.cacheKey()).isEqualTo(CacheKey.ofRequested(general.request()));
        assertThat(((Decoded.Accepted) decode(escaped)).request().code()).isEqualTo("a\n\t\"q\"\\ é€ é€😀 漢字");
    }

    @Test
    void shouldKeepTheLastOfARepeatedMemberAsTheTreeReaderDoes() {
        AnalysisRequest request = ((Decoded.Accepted) decode("{\"schemaVersion\":1,\"requestId\":\"first\","
                + "\"clientId\":\"team-a\",\"analysisType\":\"security\",\"code\":\"x\",\"requestId\":\"second\"}"))
                .request();

        assertThat(request.requestId()).isEqualTo("second");
    }

    @Test
    void shouldRejectAnythingButOneWellFormedObjectAsInvalidJson() {
        String object = withVersion("1");
        for (String text : new String[] {object + " {}", object + " x", object + "]", "[" + object + "]",
                "  ", "\"just a string\"", object.substring(0, object.length() - 1),
                object.replace("\"code\":\"x\"", "\"code\":\"x\",\"extra\":\"bad \\q escape\""),
                object.replace("\"code\":\"x\"", "\"code\":\"x\",\"extra\":[1,{\"a\":tru}]")}) {
            Decoded decoded = decode(text);

            assertThat(decoded).as(text).isInstanceOf(Decoded.Rejected.class);
            assertThat(((Decoded.Rejected) decoded).rejection().reason()).as(text)
                    .isEqualTo(RejectionReason.INVALID_JSON);
        }
    }

    @Test
    void shouldReadEveryKindOfUnknownMemberWithoutLettingItChangeTheRequest() {
        String object = withVersion("1").replace("\"code\":\"x\"", "\"code\":\"x\",\"n\":12.5e3,"
                + "\"big\":123456789012345678901234567890,\"arr\":[1,\"two\",{\"three\":[null]}],\"obj\":{\"k\":{}},"
                + "\"t\":true,\"f\":false,\"nul\":null,\"lane\":\"bulk\"");

        AnalysisRequest request = ((Decoded.Accepted) decode(object)).request();

        assertThat(request.lane()).isEqualTo(Lane.BULK);
        assertThat(request.code()).isEqualTo("x");
    }

    @Test
    void shouldRejectASchemaVersionBeyondIntInsteadOfThrowing() {
        // 4294967297 used to be cut to int 1 (or throw): it must be rejected like any other unknown version.
        for (String version : new String[] {"4294967297", "99999999999999999999999", "-4294967295"}) {
            Decoded decoded = decode(withVersion(version));

            assertThat(decoded).as(version).isInstanceOf(Decoded.Rejected.class);
            Rejection rejection = ((Decoded.Rejected) decoded).rejection();
            assertThat(rejection.reason()).isEqualTo(RejectionReason.UNSUPPORTED_SCHEMA_VERSION);
            assertThat(rejection.message()).contains("schemaVersion").contains(version);
            assertThat(rejection.clientKnown()).isTrue();
        }
    }

    @Test
    void shouldAcceptSchemaVersionWrittenAsAWholeFloat() {
        assertThat(decode(withVersion("1.0"))).isInstanceOf(Decoded.Accepted.class);
        assertThat(decode(withVersion("1e0"))).isInstanceOf(Decoded.Accepted.class);
        assertThat(((Decoded.Rejected) decode(withVersion("1.5"))).rejection().reason())
                .isEqualTo(RejectionReason.INVALID_FIELD);
    }

    @Test
    void shouldCheckFieldsInADocumentedOrderSoTheFirstProblemIsNamed() {
        Rejection rejection = ((Decoded.Rejected) decode("{\"schemaVersion\":1,\"requestId\":\"r\","
                + "\"clientId\":\"c\",\"analysisType\":\"poetry\",\"code\":\"\"}")).rejection();

        assertThat(rejection.reason()).isEqualTo(RejectionReason.UNKNOWN_ANALYSIS_TYPE);
        assertThat(rejection.message()).contains("poetry").contains("security, quality, complexity, explain");
    }

    @Test
    void shouldAbbreviateAnEchoedValueThatIsVeryLong() {
        String longType = "t".repeat(500);
        Rejection rejection = ((Decoded.Rejected) decode("{\"schemaVersion\":1,\"requestId\":\"r\",\"clientId\":\"c\","
                + "\"analysisType\":\"" + longType + "\",\"code\":\"x\"}")).rejection();

        assertThat(rejection.message()).contains("...").hasSizeLessThan(200);
    }

    @Test
    void shouldAcceptCodeExactlyAtTheLimit() {
        RequestDecoder small = new RequestDecoder(new RequestLimits(4));

        assertThat(small.decode(withCode("abcd"))).isInstanceOf(Decoded.Accepted.class);
        assertThat(small.decode(withCode("abcde"))).isInstanceOf(Decoded.Rejected.class);
    }

    @Test
    void shouldMeasureCodeDecodedNotAsEscapedOnTheWire() {
        // the record is far over 12 bytes, the code it carries is not: "\n" is one byte, "\u00e9" two
        RequestDecoder small = new RequestDecoder(new RequestLimits(12));
        String escaped = "a\\n\\n\\n\\u00e9\\u00e9\\u00e9b";

        assertThat(small.decode(withCode(escaped))).isInstanceOf(Decoded.Accepted.class);
        assertThat(((Decoded.Rejected) small.decode(withCode(escaped + "\\u00e9"))).rejection().message())
                .contains("is 13 bytes, over the limit of 12 bytes");
    }

    @Test
    void shouldCheckTheLimitWhenTheRecordIsJustOverIt() {
        byte[] record = withCode("x".repeat(10));
        RequestDecoder exact = new RequestDecoder(new RequestLimits(record.length));
        RequestDecoder oneLess = new RequestDecoder(new RequestLimits(record.length - 1));
        RequestDecoder underCode = new RequestDecoder(new RequestLimits(9));

        assertThat(exact.decode(record)).isInstanceOf(Decoded.Accepted.class);
        assertThat(oneLess.decode(record)).isInstanceOf(Decoded.Accepted.class);
        assertThat(underCode.decode(record)).isInstanceOf(Decoded.Rejected.class);
    }

    @Test
    void shouldRejectARecordOverItsLimitWhateverFieldsMakeItUpAndNameTheRequester() {
        RequestDecoder limited = new RequestDecoder(new RequestLimits(100, 300));
        byte[] atLimit = withUnknownField(300);
        byte[] over = withUnknownField(301);

        assertThat(limited.decode(atLimit)).isInstanceOf(Decoded.Accepted.class);
        assertThat(((Decoded.Rejected) limited.decode(over)).rejection()).satisfies(rejection -> {
            assertThat(rejection.reason()).isEqualTo(RejectionReason.REQUEST_TOO_LARGE);
            assertThat(rejection.requestId()).isEqualTo("r");
            assertThat(rejection.clientId()).isEqualTo("c");
            assertThat(rejection.message()).isEqualTo("request is 301 bytes, over the limit of 300 bytes for a whole "
                    + "record (fields besides 'code' may take 65536 bytes)");
        });
    }

    @Test
    void shouldNameTheCodeWhenARecordIsOverBothLimits() {
        RequestDecoder limited = new RequestDecoder(new RequestLimits(10, 60));

        assertThat(((Decoded.Rejected) limited.decode(withCode("x".repeat(200)))).rejection().reason())
                .isEqualTo(RejectionReason.CODE_TOO_LARGE);
    }

    @Test
    void shouldLetARecordTakeSixTimesTheCodeLimitAndRoomForOtherFieldsByDefault() {
        assertThat(RequestLimits.ofDefaults().maxRequestBytes()).isEqualTo(6 * 256 * 1024 + 64 * 1024);
        assertThat(new RequestLimits(Integer.MAX_VALUE).maxRequestBytes()).isEqualTo(Integer.MAX_VALUE);
        // code at the limit, every byte of it escaped (six bytes of JSON each), still fits
        String escaped = "\\u0001".repeat(RequestLimits.DEFAULT_MAX_CODE_BYTES);
        assertThat(decoder.decode(withCode(escaped))).isInstanceOf(Decoded.Accepted.class);
    }

    @Test
    void shouldBoundTheFieldsThatBecomeKeysAndTopicNames() {
        for (var field : Map.of("provider", 128, "model", 128, "replyTo", 249).entrySet()) {
            String longest = "p".repeat(field.getValue());
            assertThat(decode(withField(field.getKey(), longest))).as(field.getKey())
                    .isInstanceOf(Decoded.Accepted.class);
            Rejection rejection = ((Decoded.Rejected) decode(withField(field.getKey(), longest + "p"))).rejection();
            assertThat(rejection.reason()).isEqualTo(RejectionReason.INVALID_FIELD);
            assertThat(rejection.field()).isEqualTo(field.getKey());
            assertThat(rejection.message()).startsWith("field '" + field.getKey() + "' must be at most "
                    + field.getValue() + " characters but was " + (field.getValue() + 1));
        }
    }

    private static String withField(String field, String value) {
        return "{\"schemaVersion\":1,\"requestId\":\"r\",\"clientId\":\"c\",\"analysisType\":\"quality\","
                + "\"code\":\"x\",\"" + field + "\":\"" + value + "\"}";
    }

    /** A request of exactly {@code bytes} bytes, padded by a field the contract does not know. */
    private static byte[] withUnknownField(int bytes) {
        String head = "{\"schemaVersion\":1,\"requestId\":\"r\",\"clientId\":\"c\",\"analysisType\":\"quality\","
                + "\"code\":\"x\",\"notes\":\"";
        return (head + "n".repeat(bytes - head.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withCode(String code) {
        return ("{\"schemaVersion\":1,\"requestId\":\"r\",\"clientId\":\"c\",\"analysisType\":\"quality\","
                + "\"code\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldNeverThrowOnMangledRecords() {
        byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
        var random = new SplittableRandom(20261130L);
        int rejected = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] mangled = java.util.Arrays.copyOf(valid, 1 + random.nextInt(valid.length + 8));
            for (int flips = random.nextInt(1, 4); flips > 0; flips--) {
                mangled[random.nextInt(mangled.length)] = (byte) random.nextInt(256);
            }

            Decoded decoded = decoder.decode(mangled);

            assertThat(decoded).isNotNull();
            if (decoded instanceof Decoded.Rejected r) {
                rejected++;
                assertThat(r.rejection().message()).isNotBlank();
            }
        }
        assertThat(rejected).isGreaterThan(4_000);
    }
}

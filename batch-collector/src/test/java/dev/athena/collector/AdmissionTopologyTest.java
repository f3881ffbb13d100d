package dev.athena.collector;

import static dev.athena.collector.TestRequests.fields;
import static dev.athena.collector.TestRequests.json;
import static dev.athena.collector.TestRequests.request;
import static dev.athena.collector.TestRequests.utf8;
import static dev.athena.collector.TopologyFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.athena.collector.admission.AdmissionProcessor;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.DeadLetterHeaders;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

class AdmissionTopologyTest {
    private static final int MAX_CODE_BYTES = 1024;

    @TempDir
    Path stateDir;
    private TopologyFixture f;

    @BeforeEach
    void start() {
        f = new TopologyFixture(new CollectorSettings("127.0.0.1:1", "collector-admission-test", stateDir,
                Duration.ofMillis(100), Duration.ofMillis(100), 32, 100_000, MAX_CODE_BYTES,
                Duration.ofMillis(50)));
    }

    @AfterEach
    void close() {
        f.close();
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                Arguments.of("invalid JSON", (Consumer<Map<String, Object>>) m -> { }, "{\"requestId\": \"bad-1\",",
                        "INVALID_JSON", "JSON"),
                Arguments.of("missing field", (Consumer<Map<String, Object>>) m -> m.remove("analysisType"), null,
                        "MISSING_FIELD", "analysisType"),
                Arguments.of("wrong type", (Consumer<Map<String, Object>>) m -> m.put("code", 42), null,
                        "INVALID_FIELD", "code"),
                Arguments.of("unknown analysisType",
                        (Consumer<Map<String, Object>>) m -> m.put("analysisType", "astrology"), null,
                        "UNKNOWN_ANALYSIS_TYPE", "astrology"),
                Arguments.of("empty code", (Consumer<Map<String, Object>>) m -> m.put("code", ""), null,
                        "EMPTY_CODE", "code"),
                Arguments.of("oversize code",
                        (Consumer<Map<String, Object>>) m -> m.put("code", "x".repeat(MAX_CODE_BYTES + 1)), null,
                        "CODE_TOO_LARGE", "code"),
                Arguments.of("past deadline",
                        (Consumer<Map<String, Object>>) m -> m.put("deadline", "2026-11-30T09:59:59Z"), null,
                        "DEADLINE_PASSED", "deadline"),
                Arguments.of("slash in provider",
                        (Consumer<Map<String, Object>>) m -> m.put("provider", "open/ai"), null,
                        "INVALID_FIELD", "provider"),
                Arguments.of("provider no worker serves",
                        (Consumer<Map<String, Object>>) m -> m.put("provider", "antropic"), null,
                        "INVALID_FIELD", "('antropic') must be one of anthropic, openai"),
                Arguments.of("model name too long",
                        (Consumer<Map<String, Object>>) m -> m.put("model", "m".repeat(129)), null,
                        "INVALID_FIELD", "model"),
                // the record limit is six times the code limit plus 64 KiB: 71,680 bytes here
                Arguments.of("oversize record",
                        (Consumer<Map<String, Object>>) m -> m.put("notes", "n".repeat(72_000)), null,
                        "REQUEST_TOO_LARGE", "over the limit of 71680 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void shouldSendInvalidRequestToDlqAndRejectItNamingTheFault(String name, Consumer<Map<String, Object>> breakIt,
            String rawBody, String code, String named) {
        String requestId = "bad-" + name.replace(' ', '-');
        Map<String, Object> body = fields(requestId, "team-a", "print(1)");
        breakIt.accept(body);
        byte[] bytes = rawBody != null ? utf8(rawBody) : json(body);
        Headers headers = new RecordHeaders().add(RequestPartitions.CLIENT_ID_HEADER, utf8("team-a"));
        f.send(requestId, bytes, headers);
        f.advance(100);

        assertDeadLetter(bytes, code, 0);
        BatchResult result = f.results.readValue();
        assertThat(result.batchId()).isEqualTo("reject-" + requestId);
        assertThat(result.items()).hasSize(1);
        ItemResult item = result.items().get(0);
        assertThat(item.status()).isEqualTo(ResultStatus.REJECTED);
        assertThat(item.requesters()).singleElement().satisfies(r -> {
            assertThat(r.requestId()).isEqualTo(requestId);
            assertThat(r.clientId()).isEqualTo("team-a");
        });
        assertThat(item.error().code()).isEqualTo(code);
        assertThat(item.error().message()).contains(named);
        assertThat(f.results.isEmpty()).isTrue();
        assertThat(f.batches.isEmpty()).isTrue();
        assertThat(f.registry.get("athena.collector.rejections").tag("reason", code.toLowerCase(java.util.Locale.ROOT))
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldRejectInvalidUtf8NamingTheOffset() {
        byte[] bytes = utf8("{\"requestId\": \"utf-1\", \"code\": \"");
        byte[] broken = Arrays.copyOf(bytes, bytes.length + 3);
        broken[bytes.length] = (byte) 0xC3;
        broken[bytes.length + 1] = (byte) 0x28;
        broken[bytes.length + 2] = '}';
        f.send("utf-1", broken, new RecordHeaders().add(RequestPartitions.CLIENT_ID_HEADER, utf8("team-a")));

        assertDeadLetter(broken, "INVALID_UTF8", 0);
        ItemResult item = f.results.readValue().items().get(0);
        assertThat(item.error().code()).isEqualTo("INVALID_UTF8");
        assertThat(item.error().message()).contains("UTF-8").contains("offset");
        assertThat(item.requesters().get(0).requestId()).isEqualTo("utf-1");
    }

    @Test
    void shouldSendRecordWithoutReadableClientOnlyToDlq() {
        byte[] bytes = utf8("not json at all");
        f.send("anon-1", bytes);
        Map<String, Object> badClient = fields("anon-2", "no spaces allowed", "print(1)");
        f.send("anon-2", json(badClient));

        assertDeadLetter(bytes, "INVALID_JSON", 0);
        assertDeadLetter(json(badClient), "INVALID_FIELD", 1);
        assertThat(f.results.isEmpty()).isTrue();
        assertThat(f.batches.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepOriginalHeadersOnDeadLetter() {
        var headers = new RecordHeaders().add("traceparent", utf8("00-abc-def-01"));
        f.send("h-1", utf8("[]"), headers);
        TestRecord<byte[], byte[]> dead = f.deadLetters.readRecord();
        assertThat(header(dead.headers(), "traceparent")).isEqualTo("00-abc-def-01");
        assertThat(dead.key()).isEqualTo(utf8("h-1"));
    }

    @Test
    void shouldKeepProcessingAfterPoisonRecords() {
        f.send("p-0", utf8("\u0000\u0001garbage"));
        f.send(null, null);
        f.send("p-1", request("p-1", "team-a", "print(1)"));
        f.advance(100);
        assertThat(f.batches.readValue().items()).extracting(i -> i.request().requestId()).containsExactly("p-1");
        assertThat(f.deadLetters.getQueueSize()).isEqualTo(2);
    }

    @Test
    void shouldLogTheFirstOfABurstOfRejectionsAtOnceAndTheRestAsOneCount() {
        var logger = (Logger) LoggerFactory.getLogger(AdmissionProcessor.class);
        var lines = new ListAppender<ILoggingEvent>();
        lines.start();
        logger.addAppender(lines);
        var level = logger.getLevel();
        logger.setLevel(Level.INFO);
        try {
            for (int i = 0; i < 100; i++) {
                f.send("flood-" + i, json(fields("flood-" + i, "team-a", "")));
            }
            assertThat(f.deadLetters.readRecordsToList()).hasSize(100);
            assertThat(f.results.readValuesToList()).hasSize(100);
            assertThat(infoLines(lines)).singleElement().asString().contains("flood-0").contains("EMPTY_CODE");

            // the burst is over: its count is told on the wall clock, once
            f.advance(10_000);
            f.advance(10_000);
            assertThat(infoLines(lines)).hasSize(2).last().asString()
                    .startsWith("99 more rejected (EMPTY_CODE 99) since the previous line");
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(level);
        }
    }

    private static List<String> infoLines(ListAppender<ILoggingEvent> appender) {
        return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void shouldNotRejectTwiceWhenClientRetriesBadRequest() {
        Map<String, Object> body = fields("retry-1", "team-a", "");
        f.send("retry-1", json(body));
        f.send("retry-1", json(body));
        assertThat(f.results.readValuesToList()).hasSize(1);
        assertThat(f.deadLetters.getQueueSize()).isEqualTo(2);
    }

    @Test
    void shouldAcceptRequestWhoseDeadlineIsStillAhead() {
        Map<String, Object> body = fields("future-1", "team-a", "print(1)");
        body.put("deadline", "2026-11-30T10:00:01Z");
        f.send("future-1", json(body));
        f.advance(100);
        assertThat(f.batches.readValue().items()).hasSize(1);
        assertThat(f.results.isEmpty()).isTrue();
    }

    private void assertDeadLetter(byte[] original, String code, long offset) {
        TestRecord<byte[], byte[]> dead = f.deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(original);
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CODE)).isEqualTo(code);
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_MESSAGE)).isNotBlank();
        assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.REQUESTS);
        assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo(Long.toString(offset));
    }
}

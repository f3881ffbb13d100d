package dev.athena.schemas.cancel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.ContractSchemasAccess;
import dev.athena.schemas.JsonSchemas;
import dev.athena.schemas.cancel.CancellationDecoder.Accepted;
import dev.athena.schemas.cancel.CancellationDecoder.Refused;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisCancellation;
import dev.athena.schemas.validation.Rejection;
import dev.athena.schemas.validation.RejectionReason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every way a Kafka client can get a cancellation wrong, and the words it is told. */
class CancellationDecoderTest {

    @Test
    void shouldAcceptWhatTheRecordWritesAndIgnoreUnknownFields() {
        AnalysisCancellation written = AnalysisCancellation.of("team-payments", "r-0001");

        assertThat(CancellationDecoder.decode(Json.write(written))).isEqualTo(new Accepted(written));
        assertThat(ContractSchemasAccess.validate(JsonSchemas.ANALYSIS_CANCELLATION, Json.write(written))).isEmpty();
        assertThat(CancellationDecoder.decode(bytes(
                "{\"schemaVersion\":1.0,\"requestId\":\"a:b.c_d-1\",\"clientId\":\"t-1\",\"reason\":\"user left\"}")))
                .isEqualTo(new Accepted(AnalysisCancellation.of("t-1", "a:b.c_d-1")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not JSON | {oops | INVALID_JSON | | not valid JSON",
        "an array | [1] | INVALID_JSON | | expected a JSON object",
        "no version | {\"requestId\":\"r1\",\"clientId\":\"c1\"} | MISSING_FIELD | schemaVersion | missing required "
                + "field 'schemaVersion'",
        "version 2 | {\"schemaVersion\":2,\"requestId\":\"r1\",\"clientId\":\"c1\"} | UNSUPPORTED_SCHEMA_VERSION "
                + "| schemaVersion | must be 1 but was 2",
        "no request id | {\"schemaVersion\":1,\"clientId\":\"c1\"} | MISSING_FIELD | requestId | missing required "
                + "field 'requestId'",
        "null client | {\"schemaVersion\":1,\"requestId\":\"r1\",\"clientId\":null} | MISSING_FIELD | clientId "
                + "| missing required field 'clientId'",
        "numeric id | {\"schemaVersion\":1,\"requestId\":7,\"clientId\":\"c1\"} | INVALID_FIELD | requestId "
                + "| field 'requestId' must be 1-128 letters, digits or '._:-', starting with a letter or digit but "
                + "was 7",
        "dotted client | {\"schemaVersion\":1,\"requestId\":\"r1\",\"clientId\":\"a.b\"} | INVALID_FIELD "
                + "| clientId | but was \"a.b\"",
    })
    void shouldRefuseNamingTheFieldAndTheRule(String name, String json, RejectionReason reason, String field,
            String message) {
        Rejection rejection = refused(bytes(json));

        assertThat(rejection.reason()).isEqualTo(reason);
        assertThat(rejection.field()).isEqualTo(field);
        assertThat(rejection.message()).contains(message);
    }

    @Test
    void shouldKeepTheIdsItCouldReadSoARefusalCanNameWhoseRequestItWas() {
        Rejection rejection = refused(bytes("{\"schemaVersion\":3,\"requestId\":\"r-9\",\"clientId\":\"team-a\"}"));

        assertThat(rejection.requestId()).isEqualTo("r-9");
        assertThat(rejection.clientId()).isEqualTo("team-a");
        assertThat(refused(bytes("{\"schemaVersion\":1,\"requestId\":\"r 9\",\"clientId\":\"team-a\"}")).requestId())
                .isNull();
    }

    @Test
    void shouldRefuseAnEmptyOrOversizeRecordWithoutReadingIt() {
        assertThat(refused(null).reason()).isEqualTo(RejectionReason.INVALID_JSON);
        assertThat(refused(new byte[0]).message()).isEqualTo("the record has no value: expected a JSON object");
        Rejection large = refused(new byte[CancellationDecoder.MAX_BYTES + 1]);
        assertThat(large.reason()).isEqualTo(RejectionReason.REQUEST_TOO_LARGE);
        assertThat(large.message()).isEqualTo("a cancellation takes at most 4096 bytes but the record has 4097");
    }

    private static Rejection refused(byte[] value) {
        CancellationDecoder.Decoded decoded = CancellationDecoder.decode(value);
        assertThat(decoded).isInstanceOf(Refused.class);
        return ((Refused) decoded).rejection();
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}

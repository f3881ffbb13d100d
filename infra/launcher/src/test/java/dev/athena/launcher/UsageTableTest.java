package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UsageTableTest {
    private static final String COUNTS = """
            "requests":%d,"providerCalls":%d,"cached":%d,"shared":0,"inputTokens":%d,"outputTokens":%d,\
            "cacheReadTokens":0,"costUsd":"%s\"""";

    @Test
    void shouldLineUpTextLeftAndNumbersRightWithTheTotalsLast() {
        String report = """
                {"clientId":null,"from":"2026-11-03","to":"2026-12-02","totals":{%s},"days":[
                {"day":"2026-12-01","clientId":"team-payments","provider":"anthropic","model":"claude-sonnet-4-5",%s},
                {"day":"2026-12-02","clientId":"web","provider":"builtin","model":"rules-1",%s}],"truncated":false}
                """.formatted(COUNTS.formatted(13, 3, 10, 15000, 2200, "0.0813"),
                COUNTS.formatted(3, 3, 0, 15000, 2200, "0.0813"), COUNTS.formatted(10, 0, 10, 0, 0, "0"));

        assertThat(print(report)).isEqualTo("""
                athena: usage of every client, 2026-11-03 to 2026-12-02 (UTC days)
                DAY         CLIENT         PROVIDER   MODEL              REQUESTS  CALLS  CACHED  SHARED  INPUT  OUTPUT  COST USD
                2026-12-01  team-payments  anthropic  claude-sonnet-4-5         3      3       0       0  15000    2200    0.0813
                2026-12-02  web            builtin    rules-1                  10      0      10       0      0       0         0
                TOTAL                                                          13      3      10       0  15000    2200    0.0813
                """);
    }

    @Test
    void shouldSayWhenThereIsNothingAndWhenTheReportWasCut() {
        String empty = """
                {"clientId":"web","from":"2026-12-01","to":"2026-12-02","totals":{%s},"days":[],"truncated":false}
                """.formatted(COUNTS.formatted(0, 0, 0, 0, 0, "0"));
        String cut = """
                {"clientId":"web","from":"2026-12-01","to":"2026-12-02","totals":{%s},"days":[
                {"day":"2026-12-01","clientId":"web","provider":"builtin","model":"rules-1",%s}],"truncated":true}
                """.formatted(COUNTS.formatted(1, 1, 0, 0, 0, "0"), COUNTS.formatted(1, 1, 0, 0, 0, "0"));

        assertThat(print(empty)).isEqualTo("""
                athena: usage of web, 2026-12-01 to 2026-12-02 (UTC days)
                no answered requests in this period
                """);
        assertThat(print(cut)).endsWith("(cut at 1 lines: the totals cover these only; ask for fewer days or one "
                + "--client)\n");
    }

    private static String print(String report) {
        var out = new ByteArrayOutputStream();
        UsageTable.print(Json.tree(report.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true,
                StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}

package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.ingest.gateway.usage.UsageCounts;
import dev.athena.ingest.gateway.usage.UsageLedger;
import dev.athena.ingest.gateway.usage.UsagePeriod;
import dev.athena.ingest.gateway.usage.UsageReport;
import dev.athena.schemas.json.Json;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/usage} and {@code /v1/admin/usage} over the usage ledger, its rows written here exactly as the result
 * splitter writes them (the splitter's migrations own the table; it is created here if absent).
 */
@Tag("integration")
class UsageIT {
    private static final LocalDate DAY_ONE = LocalDate.parse("2026-06-01");
    private static final LocalDate DAY_TWO = DAY_ONE.plusDays(1);

    private static Gateway gateway;
    private static GatewayClient http;

    @BeforeAll
    static void start() throws SQLException {
        createLedgerIfAbsent();
        gateway = TestStack.start(TestStack.settings());
        http = new GatewayClient(gateway.port());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void shouldSumAClientsOwnAnswersPerDayProviderAndModel() throws SQLException {
        String mine = TestStack.client();
        String other = TestStack.client();
        paid(mine, "claude-x", DAY_ONE, 1_000, 200, "0.0012");
        paid(mine, "claude-x", DAY_ONE, 500, 100, "0.0006");
        row(mine, "anthropic", "claude-x", DAY_ONE.atTime(23, 59, 59), 0, 0, "0", true, false);
        row(mine, "anthropic", "claude-x", DAY_ONE.atTime(12, 0), 0, 0, "0", false, true);
        row(mine, "builtin", "rules-1", DAY_ONE.atTime(9, 0), 0, 0, "0", false, false);
        paid(mine, "claude-x", DAY_TWO, 10, 5, "0.00000012");
        paid(mine, "claude-x", DAY_ONE.minusDays(1), 9_999, 9_999, "9");
        paid(mine, "claude-x", DAY_TWO.plusDays(1), 9_999, 9_999, "9");
        paid(other, "claude-x", DAY_ONE, 7_777, 7_777, "7");
        String key = TestStack.createKey(http, mine, "read");

        JsonNode report = ok(http.get("/v1/usage?from=" + DAY_ONE + "&to=" + DAY_TWO, key));

        assertThat(report.get("clientId").stringValue()).isEqualTo(mine);
        assertThat(report.get("from").stringValue()).isEqualTo("2026-06-01");
        assertThat(report.get("to").stringValue()).isEqualTo("2026-06-02");
        assertThat(report.get("truncated").booleanValue()).isFalse();
        JsonNode days = report.get("days");
        assertThat(days).hasSize(3);
        assertLine(days.get(0), "2026-06-01", "anthropic", "claude-x", 4, 2, 1, 1, 1_500, 300, "0.0018");
        assertLine(days.get(1), "2026-06-01", "builtin", "rules-1", 1, 1, 0, 0, 0, 0, "0");
        assertLine(days.get(2), "2026-06-02", "anthropic", "claude-x", 1, 1, 0, 0, 10, 5, "0.00000012");
        JsonNode totals = report.get("totals");
        assertThat(totals.get("requests").asLong()).isEqualTo(6);
        assertThat(totals.get("providerCalls").asLong()).isEqualTo(4);
        assertThat(totals.get("inputTokens").asLong()).isEqualTo(1_510);
        assertThat(new BigDecimal(totals.get("costUsd").stringValue())).isEqualByComparingTo("0.00180012");
        assertThat(report.toString()).as("nothing of the other client").doesNotContain(other).doesNotContain("7777");
    }

    @Test
    void shouldCoverTheLastThirtyDaysWhenNoPeriodIsGiven() throws SQLException {
        String client = TestStack.client();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        paid(client, "claude-x", today, 1, 1, "0.5");
        paid(client, "claude-x", today.minusDays(29), 1, 1, "0.25");
        paid(client, "claude-x", today.minusDays(30), 1, 1, "100");
        String key = TestStack.createKey(http, client, "read");

        JsonNode report = ok(http.get("/v1/usage", key));

        assertThat(report.get("from").stringValue()).isEqualTo(today.minusDays(29).toString());
        assertThat(report.get("to").stringValue()).isEqualTo(today.toString());
        assertThat(report.get("days")).hasSize(2);
        assertThat(report.get("totals").get("costUsd").stringValue()).isEqualTo("0.75");
    }

    @Test
    void shouldAnswerAClientWithNoAnswersWithZeroes() {
        String key = TestStack.createKey(http, TestStack.client(), "read");

        JsonNode report = ok(http.get("/v1/usage", key));

        assertThat(report.get("days")).isEmpty();
        assertThat(report.get("totals").get("requests").asLong()).isZero();
        assertThat(report.get("totals").get("costUsd").stringValue()).isEqualTo("0");
    }

    @Test
    void shouldGiveAnAdminEveryClientOrOneAndAuditTheRead() throws SQLException {
        String first = TestStack.client();
        String second = TestStack.client();
        paid(first, "claude-x", DAY_ONE, 1, 1, "1");
        paid(second, "gpt-y", DAY_ONE, 2, 2, "2");

        JsonNode all = ok(http.get("/v1/admin/usage?from=" + DAY_ONE + "&to=" + DAY_ONE, TestStack.ADMIN_KEY));
        JsonNode one = ok(http.get("/v1/admin/usage?clientId=" + second + "&from=" + DAY_ONE + "&to=" + DAY_ONE,
                TestStack.ADMIN_KEY));

        assertThat(all.get("clientId").isNull()).isTrue();
        assertThat(clientsOf(all)).contains(first, second);
        assertThat(one.get("clientId").stringValue()).isEqualTo(second);
        assertThat(clientsOf(one)).containsExactly(second);
        assertThat(one.get("days").get(0).get("model").stringValue()).isEqualTo("gpt-y");
        JsonNode audit = ok(http.get("/v1/admin/audit?limit=50", TestStack.ADMIN_KEY));
        assertThat(audit.get("entries").toString()).contains("usage.read")
                .contains("client=" + second + " 2026-06-01..2026-06-01");
    }

    @Test
    void shouldSayWhatIsWrongWithAPeriodOrAKey() {
        String client = TestStack.client();
        String reader = TestStack.createKey(http, client, "read");
        String submitter = TestStack.createKey(http, client, "submit");

        problem(http.get("/v1/usage?from=last-week", reader), 422, "from", "must be a date as YYYY-MM-DD");
        problem(http.get("/v1/usage?from=2026-06-05&to=2026-06-01", reader), 422, "from", "is after 'to'");
        problem(http.get("/v1/usage?from=2024-01-01&to=2026-01-01", reader), 422, "from", "at most 366 days");
        problem(http.get("/v1/usage?to=2026-13-01", reader), 422, "to", "is not a day of the calendar");
        problem(http.get("/v1/usage", submitter), 403, null, "");
        problem(http.get("/v1/usage", null), 401, null, "");
        problem(http.get("/v1/usage", TestStack.ADMIN_KEY), 403, null, "");
        problem(http.get("/v1/admin/usage", reader), 403, null, "");
        problem(http.get("/v1/admin/usage?clientId=no.dots", TestStack.ADMIN_KEY), 422, "clientId", "must match");
    }

    @Test
    void shouldReportNothingWhereNoSplitterHasMadeTheLedgerYet() throws SQLException {
        String schema = "no_splitter_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute("create schema " + schema);
        }
        Endpoints e = TestStack.endpoints();
        var dataSource = new PGSimpleDataSource();
        dataSource.setUrl(e.jdbcUrl());
        dataSource.setUser(e.dbUser());
        dataSource.setPassword(e.dbPassword());
        dataSource.setCurrentSchema(schema);

        UsageReport report = new UsageLedger(dataSource, Clock.systemUTC())
                .ofEveryClient(new UsagePeriod(DAY_ONE, DAY_TWO));

        assertThat(report.lines()).isEmpty();
        assertThat(report.totals()).isEqualTo(UsageCounts.ZERO);
    }

    private static List<String> clientsOf(JsonNode report) {
        return report.get("days").valueStream().map(d -> d.get("clientId").stringValue()).distinct().toList();
    }

    private static void assertLine(JsonNode line, String day, String provider, String model, long requests,
            long calls, long cached, long shared, long input, long output, String cost) {
        assertThat(line.get("day").stringValue()).isEqualTo(day);
        assertThat(line.get("provider").stringValue()).isEqualTo(provider);
        assertThat(line.get("model").stringValue()).isEqualTo(model);
        assertThat(line.get("requests").asLong()).as("requests").isEqualTo(requests);
        assertThat(line.get("providerCalls").asLong()).as("providerCalls").isEqualTo(calls);
        assertThat(line.get("cached").asLong()).as("cached").isEqualTo(cached);
        assertThat(line.get("shared").asLong()).as("shared").isEqualTo(shared);
        assertThat(line.get("inputTokens").asLong()).as("inputTokens").isEqualTo(input);
        assertThat(line.get("outputTokens").asLong()).as("outputTokens").isEqualTo(output);
        assertThat(line.get("costUsd").stringValue()).as("costUsd").isEqualTo(cost);
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static void problem(HttpResponse<String> response, int status, String field, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode problem = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        if (field != null) {
            assertThat(problem.get("field").stringValue()).isEqualTo(field);
        }
        assertThat(problem.get("detail").stringValue()).contains(detail);
    }

    private static void paid(String client, String model, LocalDate day, long input, long output, String cost)
            throws SQLException {
        row(client, "anthropic", model, day.atTime(10, 30), input, output, cost, false, false);
    }

    private static void row(String client, String provider, String model, LocalDateTime at, long input,
            long output, String cost, boolean cached, boolean shared) throws SQLException {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("""
                insert into usage_ledger (request_id, client_id, provider, model, input_tokens, output_tokens,
                    cache_read_tokens, cost_usd, cached, shared, occurred_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)) {
            ps.setString(1, "req-" + UUID.randomUUID());
            ps.setString(2, client);
            ps.setString(3, provider);
            ps.setString(4, model);
            ps.setLong(5, input);
            ps.setLong(6, output);
            ps.setLong(7, 0);
            ps.setBigDecimal(8, new BigDecimal(cost));
            ps.setBoolean(9, cached);
            ps.setBoolean(10, shared);
            ps.setObject(11, OffsetDateTime.of(at, ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    /** The table as the splitter's migrations V1 and V3 leave it. */
    private static void createLedgerIfAbsent() throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute("""
                    create table if not exists usage_ledger (
                        request_id text not null, client_id text not null, provider text not null,
                        model text not null, input_tokens bigint not null, output_tokens bigint not null,
                        cache_read_tokens bigint not null, cost_usd numeric(18, 8) not null,
                        cached boolean not null, shared boolean not null, occurred_at timestamptz not null,
                        primary key (client_id, request_id))
                    """);
        }
    }

    private static Connection connection() throws SQLException {
        Endpoints e = TestStack.endpoints();
        return DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword());
    }
}

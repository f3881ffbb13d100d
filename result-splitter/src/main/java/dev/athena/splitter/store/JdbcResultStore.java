package dev.athena.splitter.store;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Usage;
import dev.athena.splitter.fanout.Delivery;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ResultStore} over plain JDBC, plus the batched writes of the persistence path and the audit log. */
public final class JdbcResultStore implements ResultStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcResultStore.class);
    private static final String UPSERT_RESULT = """
            insert into analysis_results (request_id, client_id, status, served_provider, served_model, degraded,
                cached, batch_id, result, completed_at, delivered_to)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
            on conflict (client_id, request_id) do update set status = excluded.status,
                served_provider = excluded.served_provider, served_model = excluded.served_model,
                degraded = excluded.degraded, cached = excluded.cached, batch_id = excluded.batch_id,
                result = excluded.result, completed_at = excluded.completed_at,
                delivered_to = excluded.delivered_to, stored_at = now()
            """;
    private static final String INSERT_USAGE = """
            insert into usage_ledger (request_id, client_id, provider, model, input_tokens, output_tokens,
                cache_read_tokens, cost_usd, cached, shared, occurred_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (client_id, request_id) do nothing
            """;
    private static final String INSERT_AUDIT = """
            insert into admin_audit_log (action_id, action, target, actor, detail, occurred_at)
            values (?, ?, ?, ?, ?::jsonb, ?) on conflict (action_id) do nothing
            """;

    private final DataSource dataSource;

    public JdbcResultStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Writes results and their ledger rows, idempotent per client and requestId. Normally one transaction; when PostgreSQL
     * refuses the data of some row (SQLSTATE class 22 or 23), which would fail every retry of the whole batch,
     * the rows are written one statement at a time instead: every row that can be stored is, and the others are
     * counted and logged by request id only, so one bad result cannot stop persistence for everything after it.
     *
     * @throws StoreUnavailableException when PostgreSQL is unreachable or fails otherwise: retry the same rows
     */
    public WriteOutcome write(List<Delivery> batch) {
        if (batch.isEmpty()) {
            return new WriteOutcome(0, 0);
        }
        // One row per request even inside a batch: a multi-row upsert may not touch the same row twice.
        Map<List<String>, Delivery> byRequest = new LinkedHashMap<>();
        batch.forEach(d -> byRequest.put(List.of(d.clientId(), d.requestId()), d));
        List<Delivery> deliveries = List.copyOf(byRequest.values());
        try {
            writeTogether(deliveries);
            return new WriteOutcome(deliveries.size(), 0);
        } catch (SQLException e) {
            if (!SqlErrors.isDataError(e)) {
                throw unavailable("writing " + deliveries.size() + " results", e);
            }
            LOG.warn("PostgreSQL refused a batch of {} results ({}); writing them one by one", deliveries.size(),
                    SqlErrors.describe(e));
        }
        try {
            return writeOneByOne(deliveries);
        } catch (SQLException e) {
            throw unavailable("writing " + deliveries.size() + " results one by one", e);
        }
    }

    private void writeTogether(List<Delivery> deliveries) throws SQLException {
        try (Connection conn = dataSource.getConnection()) {
            conn.setAutoCommit(false);
            try (PreparedStatement results = conn.prepareStatement(UPSERT_RESULT);
                    PreparedStatement usage = conn.prepareStatement(INSERT_USAGE)) {
                for (Delivery delivery : deliveries) {
                    addResult(results, delivery);
                    results.addBatch();
                    if (delivery.result().servedBy() != null) {
                        addUsage(usage, delivery);
                        usage.addBatch();
                    }
                }
                results.executeBatch();
                usage.executeBatch();
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            }
        }
    }

    /**
     * Each row in a statement (and transaction) of its own. Both statements are idempotent, so a result whose
     * ledger row is refused (or the reverse) keeps the row that stored, and a replay changes nothing.
     */
    private WriteOutcome writeOneByOne(List<Delivery> deliveries) throws SQLException {
        int stored = 0;
        int refused = 0;
        try (Connection conn = dataSource.getConnection()) {
            conn.setAutoCommit(true);
            try (PreparedStatement results = conn.prepareStatement(UPSERT_RESULT);
                    PreparedStatement usage = conn.prepareStatement(INSERT_USAGE)) {
                for (Delivery delivery : deliveries) {
                    addResult(results, delivery);
                    if (executeUnlessRefused(results, delivery, "result")) {
                        stored++;
                    } else {
                        refused++;
                    }
                    if (delivery.result().servedBy() != null) {
                        addUsage(usage, delivery);
                        if (!executeUnlessRefused(usage, delivery, "usage ledger")) {
                            refused++;
                        }
                    }
                }
            }
        }
        return new WriteOutcome(stored, refused);
    }

    /** @return false when PostgreSQL refused the row's data; any other failure is thrown */
    private static boolean executeUnlessRefused(PreparedStatement ps, Delivery delivery, String row)
            throws SQLException {
        try {
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (!SqlErrors.isDataError(e)) {
                throw e;
            }
            LOG.error("PostgreSQL refused the {} row of request {} (client {}), {}; skipped, it stays on the "
                    + "client's result topic", row, printable(delivery.requestId()), printable(delivery.clientId()),
                    SqlErrors.describe(e));
            return false;
        }
    }

    /** Ids go to the log as they are, except control characters (a NUL is one reason a row is refused). */
    private static String printable(String id) {
        return id == null ? null : id.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /**
     * The driver's message may quote the bound values (the result, its code), and the exception ends up in a log:
     * only the SQLSTATE goes into the message. The cause stays for its stack trace; the pool keeps the server's
     * detail and the bound values out of its message (see {@link Database}).
     */
    private static StoreUnavailableException unavailable(String what, SQLException e) {
        return new StoreUnavailableException(what + " failed: " + SqlErrors.describe(e), e);
    }

    public void recordAudit(AuditEntry entry) {
        try (Connection conn = dataSource.getConnection();
                PreparedStatement ps = conn.prepareStatement(INSERT_AUDIT)) {
            ps.setString(1, entry.actionId());
            ps.setString(2, entry.action());
            ps.setString(3, entry.target());
            ps.setString(4, entry.actor());
            ps.setString(5, entry.detailJson() == null ? null : JsonText.withoutNul(entry.detailJson()));
            ps.setObject(6, OffsetDateTime.ofInstant(entry.occurredAt(), ZoneOffset.UTC));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("recording audit " + entry.action(), e);
        }
    }

    @Override
    public Optional<AnalysisResult> find(String clientId, String requestId) {
        List<AnalysisResult> found = query(
                "select result::text from analysis_results where request_id = ? and client_id = ?",
                requestId, clientId);
        return found.stream().findFirst();
    }

    @Override
    public List<AnalysisResult> resultsOfBatch(String batchId) {
        return query("select result::text from analysis_results where batch_id = ? order by request_id", batchId);
    }

    @Override
    public List<AnalysisResult> resultsDeliveredTo(String clientId, String topic) {
        return query("select result::text from analysis_results where client_id = ? and delivered_to = ?"
                + " order by request_id", clientId, topic);
    }

    @Override
    public List<DailyUsage> usagePerDay(String clientId, LocalDate from, LocalDate to) {
        String sql = """
                select (occurred_at at time zone 'UTC')::date as day, provider, model, count(*),
                    sum(input_tokens), sum(output_tokens), sum(cost_usd)
                from usage_ledger
                where client_id = ? and occurred_at >= ? and occurred_at < ?
                group by 1, 2, 3 order by 1, 2, 3
                """;
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, clientId);
            ps.setObject(2, from.atStartOfDay().atOffset(ZoneOffset.UTC));
            ps.setObject(3, to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
            List<DailyUsage> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DailyUsage(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getString(3),
                            rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getBigDecimal(7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw unavailable("usage query", e);
        }
    }

    private List<AnalysisResult> query(String sql, String... params) {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<AnalysisResult> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Json.read(rs.getString(1), AnalysisResult.class));
                }
            }
            return out;
        } catch (SQLException e) {
            throw unavailable("result query", e);
        }
    }

    private static void addResult(PreparedStatement ps, Delivery delivery) throws SQLException {
        AnalysisResult result = delivery.result();
        ServedBy served = result.servedBy();
        ps.setString(1, result.requestId());
        ps.setString(2, result.clientId());
        ps.setString(3, result.status().name());
        ps.setString(4, served == null ? null : served.provider());
        ps.setString(5, served == null ? null : served.model());
        ps.setBoolean(6, result.answeredByStandIn());
        ps.setBoolean(7, result.cached());
        ps.setString(8, result.batchId());
        ps.setString(9, JsonText.withoutNul(Json.writeString(result)));
        ps.setObject(10, OffsetDateTime.ofInstant(result.completedAt(), ZoneOffset.UTC));
        ps.setString(11, delivery.topic());
    }

    private static void addUsage(PreparedStatement ps, Delivery delivery) throws SQLException {
        AnalysisResult result = delivery.result();
        // A cache hit or a coalesced rider cost nothing: the provider call was paid for once, elsewhere.
        boolean free = result.cached() || !delivery.bearsCost();
        Usage usage = free ? Usage.NONE : result.usage();
        ps.setString(1, result.requestId());
        ps.setString(2, result.clientId());
        ps.setString(3, result.servedBy().provider());
        ps.setString(4, result.servedBy().model());
        ps.setLong(5, usage.inputTokens());
        ps.setLong(6, usage.outputTokens());
        ps.setLong(7, usage.cacheReadTokens());
        ps.setBigDecimal(8, BigDecimal.valueOf(usage.costUsd()));
        ps.setBoolean(9, result.cached());
        ps.setBoolean(10, !delivery.bearsCost());
        ps.setObject(11, OffsetDateTime.ofInstant(result.completedAt(), ZoneOffset.UTC));
    }
}

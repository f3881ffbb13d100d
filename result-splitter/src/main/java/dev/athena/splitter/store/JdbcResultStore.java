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

/** {@link ResultStore} over plain JDBC, plus the batched writes of the persistence path and the audit log. */
public final class JdbcResultStore implements ResultStore {
    private static final String UPSERT_RESULT = """
            insert into analysis_results (request_id, client_id, status, served_provider, served_model, degraded,
                cached, batch_id, result, completed_at, delivered_to)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
            on conflict (request_id) do update set client_id = excluded.client_id, status = excluded.status,
                served_provider = excluded.served_provider, served_model = excluded.served_model,
                degraded = excluded.degraded, cached = excluded.cached, batch_id = excluded.batch_id,
                result = excluded.result, completed_at = excluded.completed_at,
                delivered_to = excluded.delivered_to, stored_at = now()
            """;
    private static final String INSERT_USAGE = """
            insert into usage_ledger (request_id, client_id, provider, model, input_tokens, output_tokens,
                cache_read_tokens, cost_usd, cached, shared, occurred_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (request_id) do nothing
            """;
    private static final String INSERT_AUDIT = """
            insert into admin_audit_log (action_id, action, target, actor, detail, occurred_at)
            values (?, ?, ?, ?, ?::jsonb, ?) on conflict (action_id) do nothing
            """;

    private final DataSource dataSource;

    public JdbcResultStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Writes results and their ledger rows in one transaction; idempotent per requestId. */
    public void write(List<Delivery> batch) {
        if (batch.isEmpty()) {
            return;
        }
        // One row per request even inside a batch: a multi-row upsert may not touch the same row twice.
        Map<String, Delivery> byRequest = new LinkedHashMap<>();
        batch.forEach(d -> byRequest.put(d.requestId(), d));
        List<Delivery> deliveries = List.copyOf(byRequest.values());
        try (Connection conn = dataSource.getConnection()) {
            conn.setAutoCommit(false);
            try (PreparedStatement results = conn.prepareStatement(UPSERT_RESULT);
                    PreparedStatement usage = conn.prepareStatement(INSERT_USAGE)) {
                for (Delivery delivery : deliveries) {
                    addResult(results, delivery);
                    if (delivery.result().servedBy() != null) {
                        addUsage(usage, delivery);
                    }
                }
                results.executeBatch();
                usage.executeBatch();
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("writing " + deliveries.size() + " results failed: " + e.getMessage(),
                    e);
        }
    }

    public void recordAudit(AuditEntry entry) {
        try (Connection conn = dataSource.getConnection();
                PreparedStatement ps = conn.prepareStatement(INSERT_AUDIT)) {
            ps.setString(1, entry.actionId());
            ps.setString(2, entry.action());
            ps.setString(3, entry.target());
            ps.setString(4, entry.actor());
            ps.setString(5, entry.detailJson());
            ps.setObject(6, OffsetDateTime.ofInstant(entry.occurredAt(), ZoneOffset.UTC));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailableException("recording audit " + entry.action() + " failed: " + e.getMessage(), e);
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
            throw new StoreUnavailableException("usage query failed: " + e.getMessage(), e);
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
            throw new StoreUnavailableException("result query failed: " + e.getMessage(), e);
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
        ps.setBoolean(6, served != null && served.degraded());
        ps.setBoolean(7, result.cached());
        ps.setString(8, result.batchId());
        ps.setString(9, Json.writeString(result));
        ps.setObject(10, OffsetDateTime.ofInstant(result.completedAt(), ZoneOffset.UTC));
        ps.setString(11, delivery.topic());
        ps.addBatch();
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
        ps.addBatch();
    }
}

package dev.athena.ingest.gateway.usage;

import dev.athena.ingest.gateway.store.StoreUnavailableException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the result splitter's {@code usage_ledger} (one row per answered request: provider, model, tokens, cost;
 * the splitter owns the table, the gateway only reads it) as daily sums. Requests no provider served (rejected,
 * expired before a call) have no row, so they are not counted here. Before any splitter has run the table does
 * not exist and every report is empty.
 */
public final class UsageLedger {
    /** The most lines one report holds; past it the report says it is cut (a shorter period, or one client). */
    public static final int MAX_LINES = 10_000;
    private static final String UNDEFINED_TABLE = "42P01";
    private static final String SUMS = """
            select (occurred_at at time zone 'UTC')::date, client_id, provider, model, count(*),
                count(*) filter (where not cached and not shared), count(*) filter (where cached),
                count(*) filter (where shared and not cached), sum(input_tokens), sum(output_tokens),
                sum(cache_read_tokens), sum(cost_usd)
            from usage_ledger
            where occurred_at >= ? and occurred_at < ? %s
            group by 1, 2, 3, 4 order by 1, 2, 3, 4
            limit ?
            """;

    private final DataSource dataSource;
    private final Clock clock;

    public UsageLedger(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Today in UTC, the default end of a period. */
    public LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    /** One client's usage over the period. */
    public UsageReport ofClient(String clientId, UsagePeriod period) {
        return report(clientId, period);
    }

    /** Every client's usage over the period. */
    public UsageReport ofEveryClient(UsagePeriod period) {
        return report(null, period);
    }

    private UsageReport report(String clientId, UsagePeriod period) {
        String sql = SUMS.formatted(clientId == null ? "" : "and client_id = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setObject(i++, period.start());
            ps.setObject(i++, period.end());
            if (clientId != null) {
                ps.setString(i++, clientId);
            }
            ps.setInt(i, MAX_LINES + 1);
            List<UsageLine> lines = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(line(rs));
                }
            }
            boolean truncated = lines.size() > MAX_LINES;
            return new UsageReport(period, clientId, truncated ? lines.subList(0, MAX_LINES) : lines, truncated);
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return new UsageReport(period, clientId, List.of(), false);
            }
            throw new StoreUnavailableException("reading usage", e);
        }
    }

    private static UsageLine line(ResultSet rs) throws SQLException {
        BigDecimal cost = rs.getBigDecimal(12);
        return new UsageLine(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getString(3), rs.getString(4),
                new UsageCounts(rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                        rs.getLong(10), rs.getLong(11), cost == null ? BigDecimal.ZERO : cost.stripTrailingZeros()));
    }
}

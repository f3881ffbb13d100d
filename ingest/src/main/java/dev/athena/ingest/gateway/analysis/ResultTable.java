package dev.athena.ingest.gateway.analysis;

import dev.athena.ingest.gateway.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the result splitter's {@code analysis_results} table with plain SQL (the splitter owns it; we only read).
 * While the table does not exist yet the answer is simply "not there", and the live feed covers the gap.
 */
final class ResultTable {
    private static final String UNDEFINED_TABLE = "42P01";

    private final DataSource dataSource;

    ResultTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The stored AnalysisResult JSON of this client's request. */
    Optional<String> find(String clientId, String requestId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select result::text from analysis_results where request_id = ? and client_id = ?")) {
            ps.setString(1, requestId);
            ps.setString(2, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw new StoreUnavailableException("reading a result", e);
        }
    }
}

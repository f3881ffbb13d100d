package dev.athena.ingest.scan;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The scan's own memory ({@code scan_files}, one row per repository and path: last hash, what was asked, request
 * id and result)
 * and a read-only look at the splitter's {@code analysis_results}, which may not exist where no splitter ran.
 */
final class ScanStateStore {
    private static final String UNDEFINED_TABLE = "42P01";

    private final DataSource dataSource;

    ScanStateStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Map<String, FileState> load(String repoName) {
        Map<String, FileState> states = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select path, sha256, analysis_type, provider, model, request_id, scan_id, result::text"
                        + " from scan_files where repo_name = ?")) {
            ps.setString(1, repoName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String provider = rs.getString(4);
                    String model = rs.getString(5);
                    Asked asked = AnalysisType.fromWire(rs.getString(3)).map(type -> new Asked(type, provider, model))
                            .orElse(null);
                    states.put(rs.getString(1), new FileState(rs.getString(1), rs.getString(2), asked,
                            rs.getString(6), rs.getString(7), parse(rs.getString(8))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the scan state of " + repoName, e);
        }
        return states;
    }

    /** Records submitted files; their result stays null until it arrives. */
    void submitted(String repoName, String scanId, Asked asked, List<SubmittedFile> files, Instant at) {
        update("insert into scan_files (repo_name, path, sha256, analysis_type, provider, model, request_id, scan_id,"
                + " result, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, null, ?) on conflict (repo_name, path) do"
                + " update set sha256 = excluded.sha256, analysis_type = excluded.analysis_type, provider ="
                + " excluded.provider, model = excluded.model, request_id = excluded.request_id, scan_id ="
                + " excluded.scan_id, result = null, updated_at = excluded.updated_at",
                ps -> {
                    for (SubmittedFile f : files) {
                        ps.setString(1, repoName);
                        ps.setString(2, f.path());
                        ps.setString(3, f.sha256());
                        ps.setString(4, asked.type().wireName());
                        ps.setString(5, asked.provider());
                        ps.setString(6, asked.model());
                        ps.setString(7, f.requestId());
                        ps.setString(8, scanId);
                        ps.setTimestamp(9, Timestamp.from(at));
                        ps.addBatch();
                    }
                });
    }

    /** Keeps results by request id, so a result for a file submitted again since is not mistaken for its own. */
    void resulted(String repoName, List<AnalysisResult> results, Instant at) {
        update("update scan_files set result = ?::jsonb, updated_at = ? where repo_name = ? and request_id = ?",
                ps -> {
                    for (AnalysisResult r : results) {
                        ps.setString(1, Json.writeString(r));
                        ps.setTimestamp(2, Timestamp.from(at));
                        ps.setString(3, repoName);
                        ps.setString(4, r.requestId());
                        ps.addBatch();
                    }
                });
    }

    void removed(String repoName, List<String> paths) {
        update("delete from scan_files where repo_name = ? and path = ?", ps -> {
            for (String path : paths) {
                ps.setString(1, repoName);
                ps.setString(2, path);
                ps.addBatch();
            }
        });
    }

    /** The result the splitter stored for this request, if a splitter runs against this database. */
    Optional<AnalysisResult> storedResult(String clientId, String requestId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select result::text from analysis_results where request_id = ? and client_id = ?")) {
            ps.setString(1, requestId);
            ps.setString(2, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(parse(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw new IllegalStateException("could not read stored result " + requestId, e);
        }
    }

    record SubmittedFile(String path, String sha256, String requestId) {
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void update(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the scan state", e);
        }
    }

    private static AnalysisResult parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.read(json, AnalysisResult.class);
        } catch (JsonContractException e) {
            return null;
        }
    }
}

package dev.athena.ingest.scan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A PostgreSQL session advisory lock per repository name, held for a whole scan: two processes scanning the same
 * repository would submit the same files twice and race on {@code scan_files}. The scheduler already keeps one
 * process from overlapping itself; this covers two schedulers or a manual scan beside a scheduled one.
 */
final class RepositoryLock implements AutoCloseable {
    private static final String KEY = "hashtextextended('athena-scan:' || ?, 0)";

    private final Connection connection;
    private final String repoName;

    private RepositoryLock(Connection connection, String repoName) {
        this.connection = connection;
        this.repoName = repoName;
    }

    static RepositoryLock acquire(DataSource dataSource, String repoName) throws SQLException {
        Connection connection = dataSource.getConnection();
        try (PreparedStatement ps = connection.prepareStatement("select pg_try_advisory_lock(" + KEY + ")")) {
            ps.setString(1, repoName);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    return new RepositoryLock(connection, repoName);
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        connection.close();
        throw new ScanAlreadyRunningException("a scan of " + repoName + " is already running");
    }

    @Override
    public void close() throws SQLException {
        // The pool keeps the session open, so the lock must be released explicitly before the connection returns.
        try (connection; PreparedStatement ps = connection.prepareStatement("select pg_advisory_unlock(" + KEY + ")")) {
            ps.setString(1, repoName);
            ps.execute();
        }
    }
}

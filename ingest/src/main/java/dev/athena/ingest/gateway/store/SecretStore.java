package dev.athena.ingest.gateway.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.InstantSource;
import javax.sql.DataSource;

/** Creates the key hashing secret once, in the database, so every instance hashes alike. */
public final class SecretStore {
    private final DataSource dataSource;
    private final InstantSource clock;

    public SecretStore(DataSource dataSource, InstantSource clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public byte[] getOrCreate(String name, SecureRandom random) {
        byte[] candidate = new byte[32];
        random.nextBytes(candidate);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement(
                    "insert into gateway_secrets(name, value, created_at) values (?, ?, ?) on conflict do nothing")) {
                insert.setString(1, name);
                insert.setBytes(2, candidate);
                insert.setTimestamp(3, Timestamp.from(clock.instant()));
                insert.executeUpdate();
            }
            try (PreparedStatement select = c.prepareStatement("select value from gateway_secrets where name = ?")) {
                select.setString(1, name);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getBytes(1);
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("reading secret " + name, e);
        }
    }
}

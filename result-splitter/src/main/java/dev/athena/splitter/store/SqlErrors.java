package dev.athena.splitter.store;

import java.sql.SQLException;

/**
 * What a failed statement means for the writer, and how to name it in a log. Data errors (SQLSTATE classes 22,
 * data exception, and 23, integrity constraint violation) fail the same way on every retry, so the rows behind
 * them are skipped; everything else (connection lost, server shutting down, pool timeout) is an outage and is
 * retried. A driver or server message may quote the bound values, that is the result and its code, so only the
 * SQLSTATE and a fixed description ever reach a log.
 */
final class SqlErrors {
    private SqlErrors() {
    }

    static boolean isDataError(SQLException e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** For example {@code SQLSTATE 22P05 (data exception)}; never the driver's message. */
    static String describe(SQLException e) {
        String state = sqlState(e);
        if (state == null) {
            return "no SQLSTATE (" + e.getClass().getSimpleName() + ")";
        }
        return "SQLSTATE " + state + " (" + category(state) + ")";
    }

    /** The first SQLSTATE along the exception, the batch's next exceptions and the causes. */
    static String sqlState(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (s.getSQLState() != null) {
                        return s.getSQLState();
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String category(String state) {
        return switch (state.length() < 2 ? "" : state.substring(0, 2)) {
            case "08" -> "connection exception";
            case "22" -> "data exception";
            case "23" -> "integrity constraint violation";
            case "25", "40" -> "transaction failed";
            case "53" -> "insufficient resources";
            case "57" -> "operator intervention";
            case "42" -> "syntax error or access rule violation";
            default -> "server error";
        };
    }
}

package dev.athena.splitter.store;

/**
 * What one write did.
 *
 * @param stored  results now in PostgreSQL
 * @param refused rows (result or ledger) PostgreSQL refused for good because of their data; they are skipped
 */
public record WriteOutcome(int stored, int refused) {
}

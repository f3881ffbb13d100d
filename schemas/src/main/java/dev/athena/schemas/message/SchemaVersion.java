package dev.athena.schemas.message;

/** The version of the wire contract that this code writes and reads. */
public final class SchemaVersion {
    public static final int CURRENT = 1;

    private SchemaVersion() {
    }
}

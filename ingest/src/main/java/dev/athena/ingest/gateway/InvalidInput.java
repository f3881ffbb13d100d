package dev.athena.ingest.gateway;

/**
 * A value the caller sent that is not one; {@link #name()} names the query parameter or body field to correct, so
 * the HTTP layer can answer 422 naming it.
 */
public final class InvalidInput extends IllegalArgumentException {
    private final String name;

    public InvalidInput(String name, String message) {
        super(message);
        this.name = name;
    }

    public String name() {
        return name;
    }
}

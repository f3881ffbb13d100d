package dev.athena.schemas.json;

/** Bytes on the wire that do not match the contract. Not retriable: the same bytes fail the same way. */
public final class JsonContractException extends RuntimeException {
    public JsonContractException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.athena.ingest.gateway.analysis;

/** Kafka did not take a record in time: retriable, answered as 503. */
public final class KafkaUnavailableException extends RuntimeException {
    KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

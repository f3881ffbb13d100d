package dev.athena.ingest.gateway.analysis;

/** Where a request stands, as far as one client may know. */
public sealed interface Lookup {
    /** Finished: the AnalysisResult JSON as the client's result topic carries it. */
    record Done(String resultJson) implements Lookup {
    }

    /** Accepted and not finished yet. */
    record Pending() implements Lookup {
    }

    /** Unknown, or another client's: both look the same to the caller. */
    record NotFound() implements Lookup {
    }
}

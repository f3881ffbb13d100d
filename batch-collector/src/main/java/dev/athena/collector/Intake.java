package dev.athena.collector;

import dev.athena.schemas.topic.Topics;

/**
 * A topic the collector takes requests from, read by a Kafka Streams application of its own (its own consumer,
 * stream thread, stores and transactions), so a backlog on one intake (a large repository scan) is never fetched
 * or processed ahead of a record that arrives on another. Within an intake, records are read in the order they
 * arrived.
 *
 * <p>Design notes. One application with an intake per sub-topology was tried first: Streams does take turns
 * between tasks, but its one consumer hands out what a fetch brought a partition at a time, so a scan's fetched
 * backlog still went first (17,000 of a 20,000-request backlog were batched before an interactive request that
 * waited beside it, {@code BulkBacklogIT}), and fetches small enough to bound that (128 KiB per partition) cost
 * the collector and the pass-through of its benchmark about a fifth of their throughput.
 */
public enum Intake {
    /** {@code athena.requests}: any client, any lane. */
    MAIN(Topics.REQUESTS, ""),
    /** {@code athena.requests.bulk}: bulk repository scans. */
    BULK(Topics.REQUESTS_BULK, "-bulk");

    private final String topic;
    private final String applicationSuffix;

    Intake(String topic, String applicationSuffix) {
        this.topic = topic;
        this.applicationSuffix = applicationSuffix;
    }

    public String topic() {
        return topic;
    }

    /**
     * The Streams application id of this intake, from the collector's: the main intake keeps it, so an upgraded
     * collector keeps its state and offsets.
     */
    public String applicationId(String collectorId) {
        return collectorId + applicationSuffix;
    }
}

package dev.athena.collector;

import dev.athena.collector.state.StoreNames;
import dev.athena.schemas.topic.Topics;

/**
 * A topic the collector takes requests from. Each intake is a sub-topology of its own (source, admission,
 * windows, sinks, stores), so its partitions are tasks of their own, and Kafka Streams takes turns between tasks
 * a bounded number of records at a time: a backlog on one intake (a large repository scan) never holds back a
 * record that arrives on another. Within an intake, records are read in the order they arrived.
 */
public enum Intake {
    /** {@code athena.requests}: any client, any lane. */
    MAIN(Topics.REQUESTS, StoreNames.MAIN, ""),
    /** {@code athena.requests.bulk}: bulk repository scans. */
    BULK(Topics.REQUESTS_BULK, new StoreNames("bulk"), "bulk-");

    private final String topic;
    private final StoreNames stores;
    private final String nodePrefix;

    Intake(String topic, StoreNames stores, String nodePrefix) {
        this.topic = topic;
        this.stores = stores;
        this.nodePrefix = nodePrefix;
    }

    public String topic() {
        return topic;
    }

    public StoreNames stores() {
        return stores;
    }

    /** The name of one of this intake's topology nodes. */
    String node(String base) {
        return nodePrefix + base;
    }
}

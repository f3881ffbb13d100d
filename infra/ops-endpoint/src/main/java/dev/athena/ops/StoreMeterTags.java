package dev.athena.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka Streams names a state store in its meters' tags under a key that says the store's kind
 * ({@code rocksdb.state.id}, {@code rocksdb.window.state.id}, {@code in.memory.state.id}), so the same meter
 * ({@code kafka.stream.state.put.latency.avg}) comes with different tag keys from stores of different kinds.
 * Prometheus takes one set of tag keys per name: the meters of every kind but the first registered were dropped
 * (logged once, then silently). This names every store under {@code store} (the names tell the kinds apart). The
 * number of tags stays as it was: Micrometer's Kafka binder skips a meter whose name is registered already with
 * more tags. A registry's filters must be set before its first meter, so {@link OpsRegistry} sets it as it makes one.
 */
public final class StoreMeterTags implements MeterFilter {
    private static final String STATE_METERS = "kafka.stream.state.";
    private static final String STORE_KEY_SUFFIX = ".state.id";

    @Override
    public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(STATE_METERS)) {
            return id;
        }
        List<Tag> tags = new ArrayList<>();
        boolean renamed = false;
        for (Tag tag : id.getTagsAsIterable()) {
            String key = tag.getKey();
            if (key.endsWith(STORE_KEY_SUFFIX)) {
                tags.add(Tag.of("store", tag.getValue()));
                renamed = true;
            } else {
                tags.add(tag);
            }
        }
        return renamed ? id.replaceTags(tags) : id;
    }
}

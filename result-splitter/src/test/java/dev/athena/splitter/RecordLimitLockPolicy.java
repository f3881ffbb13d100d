package dev.athena.splitter;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.server.policy.AlterConfigPolicy;

/**
 * A broker-side policy as a platform team might set: the record size of topics whose name has
 * {@value #LOCKED} in it, or that a test locked later ({@link #lock}, the broker runs in the test's JVM), is not
 * the pipeline's to change. Other changes go through.
 */
public final class RecordLimitLockPolicy implements AlterConfigPolicy {
    static final String LOCKED = "locked";
    private static final Set<String> LOCKED_LATER = ConcurrentHashMap.newKeySet();

    static void lock(String topic) {
        LOCKED_LATER.add(topic);
    }

    @Override
    public void validate(RequestMetadata request) {
        ConfigResource resource = request.resource();
        boolean locked = resource.name().contains(LOCKED) || LOCKED_LATER.contains(resource.name());
        if (resource.type() == ConfigResource.Type.TOPIC && locked
                && request.configs().containsKey(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)) {
            throw new PolicyViolationException("max.message.bytes of " + resource.name() + " is managed elsewhere");
        }
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}

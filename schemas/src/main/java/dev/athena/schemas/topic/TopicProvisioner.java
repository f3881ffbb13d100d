package dev.athena.schemas.topic;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates topics that are missing and leaves existing ones alone, so every service may call it at start-up. It
 * remembers what it created or found, so that only the first use of a topic costs a call to Kafka.
 */
public final class TopicProvisioner {
    private final Admin admin;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    public void ensure(Collection<TopicSpec> specs) {
        List<TopicSpec> missing = specs.stream().filter(s -> !known.contains(s.name())).toList();
        if (missing.isEmpty()) {
            return;
        }
        var result = admin.createTopics(missing.stream().map(TopicSpec::toNewTopic).toList());
        for (TopicSpec spec : missing) {
            try {
                result.values().get(spec.name()).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + spec.name() + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + spec.name(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out creating topic " + spec.name(), e);
            }
            known.add(spec.name());
        }
    }

    public void ensure(TopicSpec spec) {
        ensure(List.of(spec));
    }

    /**
     * Makes the next {@link #ensure} ask Kafka again. A topic created once can still be deleted later; a caller
     * whose sends to it failed calls this, or it would never be created again and every send would block.
     */
    public void forget(String topic) {
        known.remove(topic);
    }
}

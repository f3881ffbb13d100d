package dev.athena.schemas.topic;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics that are missing and leaves existing ones alone, so every service may call it at start-up. It
 * remembers what it created or found, so that only the first use of a topic costs a call to Kafka. One exception
 * to "alone": an existing topic that takes smaller records than its spec says ({@code max.message.bytes}, for a
 * topic created by an earlier build under the broker's 1 MB default) is raised to the spec's size, since a record
 * the pipeline allows but the topic refuses would fail its sender's transaction on every retry. Where Kafka does
 * not allow that change, the topic is left as it is and a warning says what to run.
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

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
                raiseRecordLimit(spec);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + spec.name(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out creating topic " + spec.name(), e);
            }
            known.add(spec.name());
        }
    }

    /** Raises an existing topic's {@code max.message.bytes} to the spec's when it is lower; never lowers it. */
    private void raiseRecordLimit(TopicSpec spec) {
        String wanted = spec.configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (wanted == null) {
            return;
        }
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
        try {
            Config config = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
            ConfigEntry current = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (current != null && current.value() != null
                    && Long.parseLong(current.value()) >= Long.parseLong(wanted)) {
                return;
            }
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, wanted), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            LOG.info("raised max.message.bytes of topic {} from {} to {}", spec.name(),
                    current == null ? "the broker default" : current.value(), wanted);
        } catch (ExecutionException | TimeoutException | NumberFormatException e) {
            LOG.warn("topic {} may refuse records over its max.message.bytes; raise it to {} with kafka-configs "
                    + "--alter --entity-type topics --entity-name {} --add-config max.message.bytes={} ({})",
                    spec.name(), wanted, spec.name(), wanted, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topic " + spec.name(), e);
        }
    }

    /**
     * Whether Kafka has this topic now (one metadata call), for a caller that must not send to a topic deleted
     * since it was ensured. An answer Kafka cannot give counts as "yes": the send then behaves as before.
     */
    public boolean exists(String topic) {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return !(e.getCause() instanceof UnknownTopicOrPartitionException);
        } catch (TimeoutException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for topic " + topic, e);
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

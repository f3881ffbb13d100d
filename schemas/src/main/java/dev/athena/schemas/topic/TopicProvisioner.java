package dev.athena.schemas.topic;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.OptionalInt;
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
import org.apache.kafka.common.errors.PolicyViolationException;
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
 * not allow that change, the topic is left as it is and a warning says what to run; {@link #recordLimit} then
 * tells a sender what the topic takes, so it can send something smaller instead of failing for ever.
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    /** {@code max.message.bytes} of the ensured topics whose spec sets one, as Kafka last said or was told. */
    private final Map<String, Integer> recordLimits = new ConcurrentHashMap<>();

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    public void ensure(Collection<TopicSpec> specs) {
        ensure(specs, false);
    }

    /**
     * As {@link #ensure(TopicSpec)}, but a topic Kafka refuses to create at the spec's record size (a broker
     * policy: a platform team deciding topic sizes) is created at the size Kafka gives it, which {@link
     * #recordLimit} then tells. Only for topics whose sender makes what it sends fit that limit; any other would
     * fail its transactions on the first large record, and is better refused at start-up by {@link #ensure}.
     */
    public void ensureAllowingSmallerRecords(TopicSpec spec) {
        ensure(List.of(spec), true);
    }

    private void ensure(Collection<TopicSpec> specs, boolean smallerRecordsWillDo) {
        List<TopicSpec> missing = specs.stream().filter(s -> !known.contains(s.name())).toList();
        if (missing.isEmpty()) {
            return;
        }
        var result = admin.createTopics(missing.stream().map(TopicSpec::toNewTopic).toList());
        for (TopicSpec spec : missing) {
            try {
                result.values().get(spec.name()).get(30, TimeUnit.SECONDS);
                recordLimit(spec).ifPresent(limit -> recordLimits.put(spec.name(), limit));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    raiseRecordLimit(spec.name(), spec.configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
                } else if (smallerRecordsWillDo && e.getCause() instanceof PolicyViolationException
                        && spec.configs().containsKey(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)) {
                    createAtTheBrokersRecordLimit(spec, e.getCause());
                } else {
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

    /**
     * The largest record batch the topic takes ({@code max.message.bytes}), as Kafka said when the topic was last
     * ensured; empty for a topic not ensured since it was made or forgotten, or whose spec sets no limit, or
     * whose limit Kafka would not tell.
     */
    public OptionalInt recordLimit(String topic) {
        Integer limit = recordLimits.get(topic);
        return limit == null ? OptionalInt.empty() : OptionalInt.of(limit);
    }

    private static OptionalInt recordLimit(TopicSpec spec) {
        String limit = spec.configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        return limit == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(limit));
    }

    /**
     * A broker whose policy refuses the spec's record size (a platform team deciding topic sizes) still gets the
     * topic, with every other setting of the spec, at the size Kafka gives it, which {@link #recordLimit} then
     * tells.
     */
    private void createAtTheBrokersRecordLimit(TopicSpec spec, Throwable refusal) {
        Map<String, String> configs = new HashMap<>(spec.configs());
        String wanted = configs.remove(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        try {
            admin.createTopics(List.of(new TopicSpec(spec.name(), spec.partitions(), configs).toNewTopic())).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + spec.name() + ": "
                        + e.getCause().getMessage() + " (and with its max.message.bytes: " + refusal.getMessage()
                        + ")", e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + spec.name(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + spec.name(), e);
        }
        LOG.warn("topic {} created without max.message.bytes={}: {}", spec.name(), wanted, refusal.toString());
        // reads the size Kafka gave it (and tries once more to raise it, which says what to run if refused)
        raiseRecordLimit(spec.name(), wanted);
    }

    /** The topic's {@code max.message.bytes} as Kafka applies it (its own, or the broker's), or null. */
    private Integer describedRecordLimit(String name)
            throws ExecutionException, TimeoutException, InterruptedException {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Config config = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
        ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        return entry == null || entry.value() == null ? null : Integer.valueOf(entry.value());
    }

    /**
     * Raises an existing topic's {@code max.message.bytes} to the spec's when it is lower; never lowers it.
     * Remembers the limit the topic has afterwards, raised or not.
     */
    private void raiseRecordLimit(String name, String wanted) {
        recordLimits.remove(name);
        if (wanted == null) {
            return;
        }
        Integer current = null;
        try {
            current = describedRecordLimit(name);
            if (current != null && current >= Integer.parseInt(wanted)) {
                recordLimits.put(name, current);
                return;
            }
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, name);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, wanted), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            recordLimits.put(name, Integer.valueOf(wanted));
            LOG.info("raised max.message.bytes of topic {} from {} to {}", name,
                    current == null ? "the broker default" : current, wanted);
        } catch (ExecutionException | TimeoutException | NumberFormatException e) {
            if (current != null) {
                recordLimits.put(name, current);
            }
            LOG.warn("topic {} refuses records over {} bytes (max.message.bytes); raise it to {} with kafka-configs "
                    + "--alter --entity-type topics --entity-name {} --add-config max.message.bytes={} ({})",
                    name, current == null ? "an unknown number of" : current, wanted, name, wanted,
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topic " + name, e);
        }
    }

    /**
     * Raises {@code max.message.bytes} of each of these topics that exists and takes less, to {@code bytes}; creates
     * nothing. For topics others create (Kafka Streams' changelogs, made under an earlier setting), whose records
     * the caller's own now outgrow.
     */
    public void raiseRecordLimits(Collection<String> topics, int bytes) {
        if (topics.isEmpty()) {
            return;
        }
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("cannot list topics to check their max.message.bytes: {}", e.toString());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
        topics.stream().filter(existing::contains).forEach(topic -> raiseRecordLimit(topic, String.valueOf(bytes)));
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
        recordLimits.remove(topic);
    }
}

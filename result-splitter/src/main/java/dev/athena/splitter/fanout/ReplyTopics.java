package dev.athena.splitter.fanout;

import dev.athena.schemas.message.Requester;
import dev.athena.schemas.topic.TopicSpec;
import dev.athena.schemas.topic.Topics;
import java.util.regex.Pattern;

/**
 * Where a requester's result goes. A {@code replyTo} is honoured only inside the client's own namespace,
 * {@code athena.results.<clientId>} or {@code athena.results.<clientId>.<suffix>}; anything else falls back to the
 * client's default topic, so that nobody can direct results into another client's topics by naming them.
 */
public final class ReplyTopics {
    /** Kafka's legal topic characters; the whole name must also stay within Kafka's 249 characters. */
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int MAX_TOPIC_LENGTH = 249;

    private ReplyTopics() {
    }

    /** @throws IllegalArgumentException when the requester's clientId cannot name a topic */
    public static String resolve(Requester requester) {
        String fallback = Topics.resultsTopicName(requester.clientId());
        return isInNamespace(requester.replyTo(), fallback) ? requester.replyTo() : fallback;
    }

    static boolean isInNamespace(String replyTo, String clientTopic) {
        if (replyTo == null || replyTo.length() > MAX_TOPIC_LENGTH) {
            return false;
        }
        if (replyTo.equals(clientTopic)) {
            return true;
        }
        if (!replyTo.startsWith(clientTopic + ".")) {
            return false;
        }
        String suffix = replyTo.substring(clientTopic.length() + 1);
        return SUFFIX.matcher(suffix).matches() && !suffix.startsWith(".") && !suffix.endsWith(".")
                && !suffix.contains("..");
    }

    /** The spec a result topic is created with: the catalogue's per-client spec, under the resolved name. */
    public static TopicSpec specFor(String topic, String clientId) {
        TopicSpec catalogue = Topics.resultsFor(clientId);
        return topic.equals(catalogue.name()) ? catalogue
                : new TopicSpec(topic, catalogue.partitions(), catalogue.configs());
    }
}

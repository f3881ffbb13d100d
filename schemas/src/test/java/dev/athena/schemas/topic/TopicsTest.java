package dev.athena.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.Lane;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

    @Test
    void shouldDeclareEveryPipelineTopicOnce() {
        assertThat(Topics.pipeline()).extracting(TopicSpec::name).containsExactly("athena.requests",
                "athena.requests.bulk", "athena.requests.dlq", "athena.batches", "athena.batch-results",
                "athena.chunks", "athena.cancellations");
        assertThat(Topics.pipeline()).extracting(TopicSpec::name).doesNotHaveDuplicates();
    }

    @Test
    void shouldGiveEveryPipelineTopicALegalNameRetentionAndPartitions() {
        for (TopicSpec spec : Topics.pipeline()) {
            Topic.validate(spec.name());
            assertThat(spec.partitions()).as(spec.name()).isPositive();
            assertThat(Long.parseLong(spec.configs().get("retention.ms"))).as(spec.name()).isPositive();
        }
    }

    @Test
    void shouldAllowMessagesAsLargeAsTheLargestRequest() {
        // A request may carry 256 KiB of code, escaped in JSON up to 6x; batches carry several of them.
        for (String name : new String[] {Topics.REQUESTS, Topics.REQUESTS_BULK, Topics.REQUESTS_DLQ, Topics.BATCHES,
                Topics.BATCH_RESULTS}) {
            TopicSpec spec = Topics.pipeline().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
            assertThat(Integer.parseInt(spec.configs().get("max.message.bytes"))).as(name)
                    .isGreaterThanOrEqualTo(6 * 256 * 1024);
        }
    }

    @Test
    void shouldSendBulkRequestsToTheBulkIntakeAndEveryOtherToTheMainOne() {
        assertThat(Topics.intakeFor(Lane.BULK)).isEqualTo("athena.requests.bulk");
        assertThat(Topics.intakeFor(Lane.INTERACTIVE)).isEqualTo("athena.requests");
        assertThat(Topics.intakeFor(null)).isEqualTo("athena.requests");
    }

    @ParameterizedTest
    @ValueSource(strings = {"team-payments", "a", "Team-A-1", "0", "x123456789012345678901234567890123456789012345678901234567890123"})
    void shouldNameAResultTopicPerClient(String clientId) {
        String name = Topics.resultsTopicName(clientId);

        assertThat(name).isEqualTo("athena.results." + clientId);
        Topic.validate(name);
        assertThat(Topics.CLIENT_ID.matcher(clientId).matches()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-team", ".team", "team payments", "team/a", "team:a", "tëam", "team.a", "team_a",
            "x1234567890123456789012345678901234567890123456789012345678901234"})
    void shouldRefuseAnIllegalClientIdEchoingIt(String clientId) {
        assertThatThrownBy(() -> Topics.resultsTopicName(clientId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clientId must match " + Topics.CLIENT_ID.pattern() + " but was '" + clientId + "'");
    }

    /**
     * Kafka refuses a topic whose name equals an existing one once every '.' and '_' are made alike: a client's
     * own result topic must never be taken that way by another client's reply topic (or the other way round).
     */
    @Test
    void shouldNeverLetOneClientsReplyTopicCollideWithAnotherClientsOwnTopic() {
        String replyOfA = Topics.RESULTS_PREFIX + "sq.victim";
        String ownOfOther = Topics.RESULTS_PREFIX + "sq_victim";
        assertThat(replyOfA.replace('.', '_')).isEqualTo(ownOfOther.replace('.', '_'));

        assertThatThrownBy(() -> Topics.resultsTopicName("sq_victim")).isInstanceOf(IllegalArgumentException.class);
        assertThat(dev.athena.schemas.validation.IdSyntax.isClientId("sq_victim")).isFalse();
        assertThat(dev.athena.schemas.validation.IdSyntax.isRequestId("req_1")).isTrue();
    }

    @Test
    void shouldRefuseANullClientId() {
        assertThatThrownBy(() -> Topics.resultsFor(null)).hasMessageContaining("but was 'null'");
    }

    @Test
    void shouldSpecifyAResultTopicForAClient() {
        TopicSpec spec = Topics.resultsFor("team-a");

        assertThat(spec.name()).isEqualTo("athena.results.team-a");
        assertThat(spec.partitions()).isPositive();
        assertThat(spec.configs()).containsKey("retention.ms");
        // a result is as large as the batch result it comes from may be
        assertThat(spec.configs()).containsEntry("max.message.bytes", String.valueOf(Topics.MAX_RECORD_BYTES));
    }

    @Test
    void shouldTurnASpecIntoAKafkaNewTopicLeavingReplicationToTheBroker() {
        NewTopic topic = new TopicSpec("athena.x", 4, Map.of("retention.ms", "1000")).toNewTopic();

        assertThat(topic.name()).isEqualTo("athena.x");
        assertThat(topic.numPartitions()).isEqualTo(4);
        assertThat(topic.replicationFactor()).isEqualTo((short) -1);
        assertThat(topic.configs()).containsEntry("retention.ms", "1000");
    }

    @Test
    void shouldRefuseASpecWithoutPartitionsEchoingIt() {
        assertThatThrownBy(() -> new TopicSpec("athena.x", 0, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partitions must be >= 1 but was 0 for athena.x");
    }
}

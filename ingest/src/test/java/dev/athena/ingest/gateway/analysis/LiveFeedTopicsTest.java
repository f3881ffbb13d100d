package dev.athena.ingest.gateway.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.topic.Topics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LiveFeedTopicsTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "athena.chunks, true",
        "athena.results.team-a, true",
        "athena.results.scan-team, true",
        "athena.results.team-a.gateway-7, true",
        "athena.results.team-a.nightly.scan-1, true",
        "athena.results.team-a.scan-20261203-1a2b, false",
        "athena.results., false",
        "athena.requests, false",
        "athena.batch-results, false"})
    void shouldFollowResultTopicsButNotScansReplyTopics(String topic, boolean followed) {
        assertThat(LiveFeed.TOPICS.matcher(topic).matches()).isEqualTo(followed);
    }

    @ParameterizedTest
    @CsvSource({"team-a, 1", "scan, x-2"})
    void shouldLeaveOutEveryTopicAScanMakes(String clientId, String scanId) {
        assertThat(LiveFeed.TOPICS.matcher(Topics.scanReplyTopic(clientId, scanId)).matches()).isFalse();
        assertThat(LiveFeed.TOPICS.matcher(Topics.resultsTopicName(clientId)).matches()).isTrue();
    }
}

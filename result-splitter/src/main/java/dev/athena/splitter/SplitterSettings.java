package dev.athena.splitter;

import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.topic.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * How one result-splitter instance runs.
 *
 * @param groupId        the consumer group of the delivery path; persistence uses {@code groupId + ".store"}
 * @param instanceId     stable per instance (pod name, host name): the transactional id is
 *                       {@code groupId + "." + instanceId}, so a restarted instance fences its crashed predecessor
 *                       at once instead of waiting for the transaction timeout
 * @param inputTopic     where BatchResults are read, {@link Topics#BATCH_RESULTS} unless a test isolates itself
 * @param l1Ttl          how long an answer stays in the in-process cache
 * @param l1MaxEntries   size bound of the in-process cache
 * @param redisTtl       default time to live of an answer in Redis
 * @param redisTtlByType per analysis type overrides of {@code redisTtl}
 * @param storeBatchSize most BatchResults whose rows are written to PostgreSQL in one transaction
 * @param startTimeout   how long {@link ResultSplitter#start} waits for the consumer groups to assign partitions
 */
public record SplitterSettings(String bootstrap, String redisUrl, String jdbcUrl, String dbUser, String dbPassword,
        String groupId, String instanceId, String inputTopic, Duration l1Ttl, long l1MaxEntries, Duration redisTtl,
        Map<AnalysisType, Duration> redisTtlByType, int storeBatchSize, Duration startTimeout) {

    public static final String DEFAULT_GROUP = "athena-result-splitter";

    public SplitterSettings {
        requireText(bootstrap, "bootstrap");
        requireText(redisUrl, "redisUrl");
        requireText(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(dbUser, "dbUser");
        dbPassword = dbPassword == null ? "" : dbPassword;
        requireText(groupId, "groupId");
        requireText(instanceId, "instanceId");
        requireText(inputTopic, "inputTopic");
        requirePositive(l1Ttl, "l1Ttl");
        if (l1MaxEntries < 1) {
            throw new IllegalArgumentException("l1MaxEntries must be >= 1 but was " + l1MaxEntries);
        }
        requirePositive(redisTtl, "redisTtl");
        redisTtlByType = redisTtlByType == null ? Map.of() : Map.copyOf(redisTtlByType);
        redisTtlByType.forEach((type, ttl) -> requirePositive(ttl, "redisTtlByType[" + type.wireName() + "]"));
        if (storeBatchSize < 1) {
            throw new IllegalArgumentException("storeBatchSize must be >= 1 but was " + storeBatchSize);
        }
        requirePositive(startTimeout, "startTimeout");
    }

    /** Group {@value #DEFAULT_GROUP}, L1 5 min / 10 000 entries, Redis 24 h, a random instance id. */
    public static SplitterSettings defaults(String bootstrap, String redisUrl, String jdbcUrl, String dbUser,
            String dbPassword) {
        return new SplitterSettings(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword, DEFAULT_GROUP,
                UUID.randomUUID().toString(), Topics.BATCH_RESULTS, Duration.ofMinutes(5), 10_000,
                Duration.ofHours(24), Map.of(), 500, Duration.ofSeconds(60));
    }

    public Duration redisTtlFor(AnalysisType type) {
        return type == null ? redisTtl : redisTtlByType.getOrDefault(type, redisTtl);
    }

    public String transactionalId() {
        return groupId + "." + instanceId;
    }

    public String storeGroupId() {
        return groupId + ".store";
    }

    public SplitterSettings withGroupId(String newGroupId) {
        return new SplitterSettings(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword, newGroupId, instanceId,
                inputTopic, l1Ttl, l1MaxEntries, redisTtl, redisTtlByType, storeBatchSize, startTimeout);
    }

    public SplitterSettings withInstanceId(String newInstanceId) {
        return new SplitterSettings(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword, groupId, newInstanceId,
                inputTopic, l1Ttl, l1MaxEntries, redisTtl, redisTtlByType, storeBatchSize, startTimeout);
    }

    public SplitterSettings withInputTopic(String newInputTopic) {
        return new SplitterSettings(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword, groupId, instanceId,
                newInputTopic, l1Ttl, l1MaxEntries, redisTtl, redisTtlByType, storeBatchSize, startTimeout);
    }

    public SplitterSettings withJdbcUrl(String newJdbcUrl) {
        return new SplitterSettings(bootstrap, redisUrl, newJdbcUrl, dbUser, dbPassword, groupId, instanceId,
                inputTopic, l1Ttl, l1MaxEntries, redisTtl, redisTtlByType, storeBatchSize, startTimeout);
    }

    public SplitterSettings withCacheTtls(Duration newL1Ttl, Duration newRedisTtl) {
        return new SplitterSettings(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword, groupId, instanceId,
                inputTopic, newL1Ttl, l1MaxEntries, newRedisTtl, redisTtlByType, storeBatchSize, startTimeout);
    }

    /** The password stays out of logs. */
    @Override
    public String toString() {
        return "SplitterSettings[bootstrap=" + bootstrap + ", redis=" + masked(redisUrl)
                + ", db=" + masked(jdbcUrl) + ", dbUser=" + dbUser + ", group=" + groupId + ", instance=" + instanceId
                + ", input=" + inputTopic + ", l1Ttl=" + l1Ttl + ", l1MaxEntries=" + l1MaxEntries + ", redisTtl="
                + redisTtl + ", redisTtlByType=" + redisTtlByType + ", storeBatchSize=" + storeBatchSize + "]";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank but was '" + value + "'");
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration but was " + value);
        }
    }

    /**
     * A URL fit for logs: credentials in its authority ({@code //user:pw@host}, up to the last '@' so a password
     * holding one leaks nothing) or, in a JDBC URL, as parameters ({@code ?user=a&password=b}) become {@code ***}.
     */
    static String masked(String url) {
        return url == null ? null : url.replaceAll("//[^/?#]*@", "//***@")
                .replaceAll("(?i)([?&;](?:password|pwd|passwd|sslpassword|user)=)[^&;]*", "$1***");
    }
}

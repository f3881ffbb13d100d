package dev.athena.splitter.cache;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * A Redisson client tuned to fail fast: the cache is an optimisation, so a slow or absent Redis must cost a
 * second at most, never a stalled pipeline. Lazy initialisation lets the splitter start while Redis is down.
 */
public final class RedisConnection {
    private RedisConnection() {
    }

    public static RedissonClient open(String url) {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.setLazyInitialization(true);
        config.setThreads(2);
        config.setNettyThreads(4);
        config.useSingleServer()
                .setAddress(url)
                .setClientName("athena-result-splitter")
                .setConnectTimeout(1_000)
                .setTimeout(1_000)
                .setRetryAttempts(1)
                .setConnectionMinimumIdleSize(1)
                .setConnectionPoolSize(8)
                .setSubscriptionConnectionMinimumIdleSize(1)
                .setSubscriptionConnectionPoolSize(4)
                .setPingConnectionInterval(2_000);
        return Redisson.create(config);
    }
}

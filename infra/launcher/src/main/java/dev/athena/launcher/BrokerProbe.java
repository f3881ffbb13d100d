package dev.athena.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * Whether a Kafka cluster answers at a bootstrap list, for commands deciding where to send their records. An
 * address nothing listens on, or a host name that does not resolve, is told at once by a plain connection
 * attempt: Kafka's admin client would retry it for seconds, logging a warning each time, or refuse to start.
 */
final class BrokerProbe {
    private static final int CONNECT_TIMEOUT_MS = 1_000;

    private BrokerProbe() {
    }

    static boolean reachable(String bootstrap) {
        return anyAddressAccepts(bootstrap) && clusterAnswers(bootstrap);
    }

    /** Whether one of the list's {@code host:port} entries accepts a connection; false for a malformed list. */
    static boolean anyAddressAccepts(String bootstrap) {
        for (String entry : bootstrap.split(",")) {
            String address = entry.strip();
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                continue;
            }
            String host = address.substring(0, colon).replace("[", "").replace("]", "");
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (port < 1 || port > 65_535) {
                continue;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
                return true;
            } catch (IOException | IllegalArgumentException e) {
                // refused, unresolvable or unreachable: try the next entry
            }
        }
        return false;
    }

    private static boolean clusterAnswers(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500))) {
            admin.describeCluster().clusterId().get(3, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

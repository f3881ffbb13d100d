package dev.athena.ops;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Where a service running alone serves {@link OpsEndpoint}, from two environment variables: a port ({@code off}
 * serves nothing, 0 picks a free one) and a host, 127.0.0.1 unless set (a deployment whose Prometheus scrapes
 * from elsewhere sets it, such as {@code 0.0.0.0}).
 */
public record OpsAddress(String portVariable, String hostVariable, int defaultPort) {
    private static final String DEFAULT_HOST = "127.0.0.1";

    /** Empty when the port variable is {@code off}; a clear error naming the variable when either is not valid. */
    public Optional<InetSocketAddress> from(Map<String, String> env) {
        String value = set(env, portVariable) ? env.get(portVariable).strip() : Integer.toString(defaultPort);
        if (value.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        if (!value.matches("\\d{1,5}") || Integer.parseInt(value) > 65_535) {
            throw new IllegalArgumentException(portVariable + " must be a port number (0-65535; 0 picks a free one) "
                    + "or off, but was '" + env.get(portVariable) + "'");
        }
        String host = set(env, hostVariable) ? env.get(hostVariable).strip() : DEFAULT_HOST;
        InetSocketAddress address = new InetSocketAddress(host, Integer.parseInt(value));
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(hostVariable + " must be an address of this machine, such as "
                    + "127.0.0.1 or 0.0.0.0, but '" + host + "' does not resolve");
        }
        return Optional.of(address);
    }

    /** The advice for a port that cannot be served, naming this service's variables. */
    String advice() {
        return "set " + portVariable + " to a free port (0 picks one) or to off, or " + hostVariable
                + " to an address of this machine";
    }

    private static boolean set(Map<String, String> env, String name) {
        return env.get(name) != null && !env.get(name).isBlank();
    }
}

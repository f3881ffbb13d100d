package dev.athena.schemas.message;

import java.util.Objects;

/** Where a batch goes: provider, model and lane. Written as {@code provider/model/lane} in keys and logs. */
public record Route(String provider, String model, Lane lane) {
    public Route {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(lane, "lane");
        if (provider.contains("/") || model.contains("/")) {
            throw new IllegalArgumentException("provider and model must not contain '/' but were " + provider
                    + " and " + model);
        }
    }

    public static Route parse(String key) {
        String[] parts = key.split("/", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("route must be provider/model/lane but was '" + key + "'");
        }
        return new Route(parts[0], parts[1], Lane.fromWire(parts[2]).orElseThrow(
                () -> new IllegalArgumentException("route lane must be interactive or bulk but was '" + parts[2]
                        + "'")));
    }

    public String key() {
        return provider + "/" + model + "/" + lane.wireName();
    }

    @Override
    public String toString() {
        return key();
    }
}

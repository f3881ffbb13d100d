package dev.athena.ingest.gateway.auth;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What a key may do. */
public enum Scope {
    SUBMIT, READ, ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scope> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(value)).findFirst();
    }

    /** Parses a comma-separated list as stored; unknown names are an error, never silently dropped. */
    public static Set<Scope> parseList(String csv) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String part : csv.split(",")) {
            String name = part.strip();
            if (!name.isEmpty()) {
                scopes.add(fromWire(name).orElseThrow(() -> new IllegalArgumentException(
                        "unknown scope '" + name + "' (expected submit, read or admin)")));
            }
        }
        return scopes;
    }

    public static String toList(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::wireName).collect(Collectors.joining(","));
    }
}

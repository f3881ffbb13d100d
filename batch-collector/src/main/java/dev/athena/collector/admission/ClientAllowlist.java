package dev.athena.collector.admission;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which clients may submit requests: exact client ids and {@code prefix*} globs (a lone {@code *} is everyone).
 * An empty list means no allowlist, i.e. every client is allowed: authorisation is opt-in, set by
 * {@code ATHENA_ALLOWED_CLIENTS} (comma-separated).
 *
 * @param entries as configured, trimmed; each an id or a prefix ending in the one {@code *}
 */
public record ClientAllowlist(List<String> entries) {
    public static final String ENV = "ATHENA_ALLOWED_CLIENTS";
    /** What a client id or a glob's prefix may contain (Topics.CLIENT_ID, without its first-character rule). */
    private static final Pattern ENTRY = Pattern.compile("[A-Za-z0-9._-]{0,64}\\*?");

    public ClientAllowlist {
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
        for (String entry : entries) {
            if (entry == null || entry.isEmpty() || !ENTRY.matcher(entry).matches()) {
                throw new IllegalArgumentException("allowed client must be a client id or 'prefix*' but was '"
                        + entry + "'");
            }
        }
    }

    public static ClientAllowlist everyone() {
        return new ClientAllowlist(List.of());
    }

    /** Comma-separated ids and globs; null or blank is no allowlist. Blank entries (a trailing comma) are skipped. */
    public static ClientAllowlist parse(String csv) {
        if (csv == null || csv.isBlank()) {
            return everyone();
        }
        List<String> entries = new ArrayList<>();
        for (String part : csv.split(",")) {
            String entry = part.strip();
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return new ClientAllowlist(entries);
    }

    public boolean restricts() {
        return !entries.isEmpty();
    }

    public boolean allows(String clientId) {
        return !restricts() || clientId != null && Matcher.of(entries).test(clientId);
    }

    /** Compiled once per allowlist: ids in a set, prefixes in a list (allowlists are short). */
    Matcher matcher() {
        return Matcher.of(entries);
    }

    /** The allowlist in the form admission checks on every record. */
    record Matcher(boolean open, Set<String> ids, List<String> prefixes) {
        static Matcher of(List<String> entries) {
            List<String> prefixes = entries.stream().filter(e -> e.endsWith("*"))
                    .map(e -> e.substring(0, e.length() - 1)).toList();
            Set<String> ids = Set.copyOf(entries.stream().filter(e -> !e.endsWith("*")).toList());
            return new Matcher(entries.isEmpty(), ids, prefixes);
        }

        boolean test(String clientId) {
            if (open) {
                return true;
            }
            if (clientId == null) {
                return false;
            }
            if (ids.contains(clientId)) {
                return true;
            }
            for (String prefix : prefixes) {
                if (clientId.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }
    }
}

package dev.athena.splitter.cache;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.athena.schemas.cache.CacheKey;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * An admin's request to forget cached answers. As JSON (what the gateway or any Redis client publishes on
 * {@link CacheInvalidator#REQUESTS_CHANNEL}):
 * {@code {"id":"...","kind":"tag","value":"path:src/app.py","actor":"ops@example"}}; {@code value} is absent for
 * {@code all}. A {@code pattern} is a Redis glob over cache keys ({@code analysis:openai:*}); one that does not
 * start with {@code analysis:} is taken as relative to it.
 */
public record Invalidation(String id, Kind kind, String value, String actor) {
    public static final List<String> TAG_PREFIXES = List.of("type:", "path:", "repo:", "model:");

    public enum Kind {
        KEY, PATTERN, TAG, ALL;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        static Kind of(String value) {
            return Kind.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    public Invalidation {
        Objects.requireNonNull(kind, "kind");
        id = id == null || id.isBlank() ? UUID.randomUUID().toString() : id;
        actor = actor == null || actor.isBlank() ? "unknown" : actor;
        if (kind != Kind.ALL && (value == null || value.isBlank())) {
            throw new IllegalArgumentException("invalidation by " + kind.wireName() + " needs a value but was '"
                    + value + "'");
        }
        if (kind == Kind.TAG && TAG_PREFIXES.stream().noneMatch(value::startsWith)) {
            throw new IllegalArgumentException("tag must start with one of " + TAG_PREFIXES + " but was '" + value
                    + "'");
        }
        if (kind == Kind.ALL) {
            value = null;
        }
    }

    public static Invalidation ofKey(String key, String actor) {
        return new Invalidation(null, Kind.KEY, key, actor);
    }

    public static Invalidation ofPattern(String glob, String actor) {
        return new Invalidation(null, Kind.PATTERN, glob, actor);
    }

    public static Invalidation ofTag(String tag, String actor) {
        return new Invalidation(null, Kind.TAG, tag, actor);
    }

    public static Invalidation ofAll(String actor) {
        return new Invalidation(null, Kind.ALL, null, actor);
    }

    /** The Redis glob this invalidation matches cache keys with (patterns only). */
    public String redisPattern() {
        return value.startsWith(CacheKey.PREFIX) ? value : CacheKey.PREFIX + value;
    }
}

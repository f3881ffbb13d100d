package dev.athena.launcher;

import java.util.List;
import java.util.Map;

/** SnakeYAML's plain trees (maps and lists of objects) read as what a test knows them to be. */
final class YamlNodes {
    private YamlNodes() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    /** A missing list is an empty one. */
    @SuppressWarnings("unchecked")
    static <T> List<T> list(Object value) {
        return value == null ? List.of() : (List<T>) value;
    }
}

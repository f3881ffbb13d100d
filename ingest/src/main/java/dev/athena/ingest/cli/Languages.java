package dev.athena.ingest.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Guesses a file's language from its extension, as the analysers name languages. */
public final class Languages {
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("java", "java"), Map.entry("py", "python"), Map.entry("js", "javascript"),
            Map.entry("mjs", "javascript"), Map.entry("cjs", "javascript"), Map.entry("jsx", "javascript"),
            Map.entry("ts", "typescript"), Map.entry("tsx", "typescript"), Map.entry("go", "go"),
            Map.entry("kt", "kotlin"), Map.entry("rb", "ruby"), Map.entry("rs", "rust"), Map.entry("c", "c"),
            Map.entry("h", "c"), Map.entry("cpp", "cpp"), Map.entry("cs", "csharp"), Map.entry("php", "php"),
            Map.entry("sh", "shell"), Map.entry("sql", "sql"), Map.entry("scala", "scala"));

    private Languages() {
    }

    public static Optional<String> of(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }
}

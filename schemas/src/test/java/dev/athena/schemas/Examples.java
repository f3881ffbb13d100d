package dev.athena.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The example messages under {@code src/test/resources/examples}. */
final class Examples {
    private Examples() {
    }

    static List<Path> valid() {
        return list("examples/valid");
    }

    static List<Path> invalid() {
        return list("examples/invalid");
    }

    static Path invalid(String name) {
        return dir("examples/invalid").resolve(name);
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(String folder) {
        try (Stream<Path> files = Files.list(dir(folder))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path dir(String folder) {
        try {
            return Path.of(Examples.class.getClassLoader().getResource(folder).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

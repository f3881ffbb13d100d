package dev.athena.ingest.gateway.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The embedded Tomcat's base directory, made for one gateway and deleted when it closes. Left to itself Spring
 * Boot makes a {@code tomcat.<port>.<n>} directory in the system's temporary directory and never removes it
 * (only an empty directory is deleted at exit, and Tomcat puts its work directory inside), so every start of a
 * gateway left one behind.
 *
 * <p>Tomcat also records the first base directory of a JVM in the system properties {@code catalina.home} and
 * {@code catalina.base}, and every later Tomcat of that JVM makes that directory again if it is missing, so closing
 * forgets them when they name this directory: the next gateway of the JVM (tests run many) then names its own.
 */
public final class TomcatWorkDirectory implements AutoCloseable {
    static final List<String> CATALINA_PROPERTIES = List.of("catalina.home", "catalina.base");
    private final Path path;

    private TomcatWorkDirectory(Path path) {
        this.path = path;
    }

    public static TomcatWorkDirectory create() {
        try {
            return new TomcatWorkDirectory(Files.createTempDirectory("athena-gateway-tomcat-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a base directory for the embedded Tomcat", e);
        }
    }

    public Path path() {
        return path;
    }

    /** Deletes the directory and all in it; call once the server has stopped. */
    @Override
    public void close() throws IOException {
        if (Files.exists(path)) {
            try (Stream<Path> paths = Files.walk(path)) {
                for (Path entry : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(entry);
                }
            }
        }
        for (String property : CATALINA_PROPERTIES) {
            if (path.toString().equals(System.getProperty(property))) {
                System.clearProperty(property);
            }
        }
    }
}

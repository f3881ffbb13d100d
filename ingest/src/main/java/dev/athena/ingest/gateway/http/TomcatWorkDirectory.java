package dev.athena.ingest.gateway.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * <p>A gateway killed before it could close leaves its directory behind, so the name carries the process id
 * ({@code athena-gateway-tomcat-<pid>-<n>}) and each new one first deletes those of processes that no longer run.
 * One whose process id now belongs to another process is kept: too little to be worth a guess.
 *
 * <p>Tomcat also records the first base directory of a JVM in the system properties {@code catalina.home} and
 * {@code catalina.base}, and every later Tomcat of that JVM makes that directory again if it is missing, so closing
 * forgets them when they name this directory: the next gateway of the JVM (tests run many) then names its own.
 */
public final class TomcatWorkDirectory implements AutoCloseable {
    static final List<String> CATALINA_PROPERTIES = List.of("catalina.home", "catalina.base");
    static final String PREFIX = "athena-gateway-tomcat-";
    private final Path path;

    private TomcatWorkDirectory(Path path) {
        this.path = path;
    }

    public static TomcatWorkDirectory create() {
        return create(Path.of(System.getProperty("java.io.tmpdir")));
    }

    static TomcatWorkDirectory create(Path parent) {
        removeLeftBehind(parent);
        try {
            return new TomcatWorkDirectory(Files.createTempDirectory(parent,
                    PREFIX + ProcessHandle.current().pid() + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a base directory for the embedded Tomcat", e);
        }
    }

    /** The directories under {@code parent} of gateways whose process has ended; what cannot be deleted stays. */
    static void removeLeftBehind(Path parent) {
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path dir : entries.filter(TomcatWorkDirectory::ofEndedProcess).toList()) {
                try {
                    deleteTree(dir);
                } catch (IOException | UncheckedIOException e) {
                    // another user's, or being deleted by another gateway starting now: not ours to insist on
                }
            }
        } catch (IOException e) {
            // an unreadable temporary directory: the new directory's creation will say what is wrong
        }
    }

    private static boolean ofEndedProcess(Path dir) {
        String name = dir.getFileName().toString();
        if (!name.startsWith(PREFIX) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        int dash = name.indexOf('-', PREFIX.length());
        if (dash < 0) {
            return false;
        }
        try {
            long pid = Long.parseLong(name.substring(PREFIX.length(), dash));
            return ProcessHandle.of(pid).isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    /** Deletes the directory and all in it; call once the server has stopped. */
    @Override
    public void close() throws IOException {
        deleteTree(path);
        for (String property : CATALINA_PROPERTIES) {
            if (path.toString().equals(System.getProperty(property))) {
                System.clearProperty(property);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path entry : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(entry);
                }
            }
        }
    }
}

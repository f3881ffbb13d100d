package dev.athena.infra.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.OsArchitecture;

/**
 * The redis-server that the embedded-redis jar carries, written out once per user and version and kept. The jar's
 * own provider wrote a fresh 9 MB copy into a new temporary directory at every start, and a configuration file
 * beside it, and removed neither: every {@code ./athena up}, temporary pipeline and test JVM left both behind.
 */
final class RedisBinary {
    private RedisBinary() {
    }

    static synchronized Path path() throws IOException {
        OsArchitecture platform = OsArchitecture.detectOSandArchitecture();
        String resource = ExecutableProvider.newProvidedVersionsMap().get(platform);
        if (resource == null) {
            throw new IOException("embedded-redis carries no redis-server for " + platform.os + " " + platform.arch);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "athena-redis-" + System.getProperty("user.name"));
        Path binary = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(dir);
        // written whole under another name, then renamed: a reader never runs half a binary, and a JVM writing
        // it at the same moment replaces a complete file with another complete file
        Path part = Files.createTempFile(dir, binary.getFileName().toString(), ".part");
        try (InputStream in = RedisServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("embedded-redis lacks its resource " + resource);
            }
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            if (!part.toFile().setExecutable(true, false)) {
                throw new IOException("cannot make " + part + " executable");
            }
            Files.move(part, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
        return binary;
    }
}

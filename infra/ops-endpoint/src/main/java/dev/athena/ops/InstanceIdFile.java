package dev.athena.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance id kept in a directory that belongs to one instance (its state directory), made on its first start.
 * Kafka ids derive from it (transactional ids, static group membership), so an instance started again on the
 * same directory after a crash fences what its predecessor left open and takes its partitions back at once;
 * under a new random id its transactions stayed open until they timed out and its partitions waited out the dead
 * member's session. Random on first use, not a constant: instances on other directories may share one Kafka.
 */
public final class InstanceIdFile {
    public static final String FILE = "instance-id";
    private static final Pattern SHAPE = Pattern.compile("[a-z]+-[0-9a-f]{12}");
    private static final Logger LOG = LoggerFactory.getLogger(InstanceIdFile.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private InstanceIdFile() {
    }

    /**
     * The id kept in {@code dir} ({@code prefix-} and 12 hex digits), made (with the directory) when there is
     * none or the file holds something else. Not for two processes at once on one directory: each instance
     * owns its own.
     */
    public static String keptIn(Path dir, String prefix) {
        Path file = dir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                String kept = Files.readString(file).strip();
                if (SHAPE.matcher(kept).matches()) {
                    return kept;
                }
                LOG.warn("{} holds no instance id ('{}'); making a new one", file, kept.length() > 40
                        ? kept.substring(0, 40) + "..." : kept);
            }
            byte[] random = new byte[6];
            RANDOM.nextBytes(random);
            String made = prefix + "-" + HexFormat.of().formatHex(random);
            Files.createDirectories(dir);
            Path written = Files.writeString(Files.createTempFile(dir, FILE, ".tmp"), made + "\n");
            try {
                Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(written, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep an instance id in " + file, e);
        }
    }
}

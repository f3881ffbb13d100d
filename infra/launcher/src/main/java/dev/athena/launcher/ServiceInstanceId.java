package dev.athena.launcher;

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
 * The instance id the splitter and the workers of one state directory run under, made on the first start and
 * kept in the directory ({@value #FILE}). Their transactional ids derive from it, so the pipeline started again
 * on the same directory after a crash fences what its predecessor left open at once; under a new random id those
 * transactions stayed open until they timed out (15 and 20 s), holding back every read-committed reader of the
 * partitions they had written. Random on first use, not a constant, because pipelines of other data directories
 * may share one Kafka (and only one process at a time runs on a data directory: its lock).
 */
final class ServiceInstanceId {
    static final String FILE = "instance-id";
    private static final Pattern SHAPE = Pattern.compile("local-[0-9a-f]{12}");
    private static final Logger LOG = LoggerFactory.getLogger(ServiceInstanceId.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ServiceInstanceId() {
    }

    /** The id kept in {@code stateDir}, made (with the directory) when there is none or it is not one of ours. */
    static String of(Path stateDir) {
        Path file = stateDir.resolve(FILE);
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
            String made = "local-" + HexFormat.of().formatHex(random);
            Files.createDirectories(stateDir);
            Path written = Files.writeString(Files.createTempFile(stateDir, FILE, ".tmp"), made + "\n");
            try {
                Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(written, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the services' instance id in " + file, e);
        }
    }
}

package dev.athena.collector.admission;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's seen-id filter kept in its state directory from a close to the next start, so that a restart does not
 * read every id of the index again (half a second or more per million ids, on the stream thread, before the task
 * processes anything).
 *
 * <p>Design notes: written when the task closes, with the index's position (its last chunk) and the newest time an
 * id without its client was seen (an earlier build's, or {@link Long#MIN_VALUE}). Read once: the file is deleted
 * whenever a task starts, used or not, so a later start never meets one older than its index. Used only if the
 * index is still at that position after catching up with the log: then no id came after the filter was saved, and
 * the filter holds every id the index holds (and maybe ids the index has since forgotten, which only cost a store
 * read). Under exactly-once Streams deletes the whole task directory after a task that was not closed cleanly, file
 * and all. Any doubt (no file, another position, a file that does not read back whole) means the filter is filled
 * from the index as before.
 */
final class FilterSnapshot {
    static final String FILE = "collector-seen-filter.bin";
    private static final Logger LOG = LoggerFactory.getLogger(FilterSnapshot.class);
    private final Path file;

    /** What a snapshot holds beside the filter's bits. */
    record Header(long indexPosition, long unscopedSeenAt) {
    }

    FilterSnapshot(Path taskDirectory) {
        this.file = taskDirectory.resolve(FILE);
    }

    /** Writes the filter and its header; a failure is logged and leaves no file (the next start fills). */
    void save(SeenFilter filter, Header header) {
        Path written = file.resolveSibling(FILE + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(written, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, ByteBuffer.allocate(2 * Long.BYTES)
                        .putLong(header.indexPosition()).putLong(header.unscopedSeenAt()).flip());
                filter.save(out);
            }
            Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("could not keep the seen-id filter for the next start, which fills it from the index: {}",
                    e.toString());
            deleteQuietly(written);
            deleteQuietly(file);
        }
    }

    /**
     * Reads the filter into {@code filter} if a snapshot exists for {@code indexPosition}, and deletes the file
     * either way; returns the header it read, or null when the filter must be filled from the index.
     */
    Header restore(SeenFilter filter, long indexPosition) {
        if (!Files.exists(file)) {
            return null;
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(2 * Long.BYTES);
            readFully(in, head);
            Header header = new Header(head.flip().getLong(), head.getLong());
            if (header.indexPosition() != indexPosition) {
                LOG.info("seen-id filter kept at chunk {} left unused: the index is at chunk {}",
                        header.indexPosition(), indexPosition);
                return null;
            }
            filter.restore(in);
            return header;
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not read the seen-id filter kept at the last close; filling it from the index: {}",
                    e.toString());
            return null;
        } finally {
            deleteQuietly(file);
        }
    }

    static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    static void readFully(FileChannel in, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                throw new IOException("the seen-id filter's file ended early");
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", path, e.toString());
        }
    }
}

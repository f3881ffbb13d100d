package dev.athena.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one stack that may run on a data directory. Taken before any server starts there and kept until the last
 * has stopped: a second broker started on a running one's directory fails only once it reaches its log manager,
 * and its controller has written to the metadata log by then; the running broker's KRaft thread then spun on
 * that log at 100 % of a core and never shut down. The operating system frees the lock when the process ends,
 * however it ends.
 */
public final class DataDirectoryLock implements AutoCloseable {
    static final String FILE = ".athena.lock";
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the directory's lock, or fails at once, saying why, when another stack holds it. */
    public static DataDirectoryLock acquire(Path dir) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new IllegalStateException("another process runs Athena's servers on " + dir.toAbsolutePath()
                        + " (starting or running): stop it first, or use another data directory");
            }
            return new DataDirectoryLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock the data directory " + dir.toAbsolutePath() + ": "
                    + why(e), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The failure in words a user acts on: which path is in the way, not only the exception's class. */
    private static String why(IOException e) {
        if (e instanceof FileAlreadyExistsException exists) {
            return exists.getFile() + " is a file, not a directory";
        }
        String kind = e.getClass().getSimpleName();
        return e.getMessage() == null ? kind : kind + " (" + e.getMessage() + ")";
    }

    /** Null when held elsewhere: by another process, or by another stack of this JVM. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was locked through it
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock of the data directory", e);
        }
    }
}

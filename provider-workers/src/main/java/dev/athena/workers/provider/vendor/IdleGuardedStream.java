package dev.athena.workers.provider.vendor;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A response body that is closed when no byte arrives for {@code idle}; the blocked read then fails with an
 * {@link IdleTimeoutException}. One shared scheduler thread serves every stream.
 */
final class IdleGuardedStream extends FilterInputStream {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "athena-http-idle-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Duration idle;
    private volatile boolean timedOut;
    private ScheduledFuture<?> alarm;

    IdleGuardedStream(InputStream in, Duration idle) {
        super(in);
        this.idle = idle;
        rearm();
    }

    private synchronized void rearm() {
        if (alarm != null) {
            alarm.cancel(false);
        }
        alarm = WATCHDOG.schedule(this::expire, idle.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void expire() {
        timedOut = true;
        try {
            in.close();
        } catch (IOException ignored) {
            // the reader sees the failure
        }
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            if (b < 0 && timedOut) {
                throw translate(new IOException("closed"));
            }
            rearm();
            return b;
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            if (n < 0 && timedOut) {
                throw translate(new IOException("closed"));
            }
            rearm();
            return n;
        } catch (IOException e) {
            throw translate(e);
        }
    }

    private IOException translate(IOException e) {
        return timedOut ? new IdleTimeoutException("no data for " + idle.toMillis() + " ms (idle stream timeout)") : e;
    }

    @Override
    public synchronized void close() throws IOException {
        if (alarm != null) {
            alarm.cancel(false);
        }
        super.close();
    }
}

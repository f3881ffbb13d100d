package dev.athena.workers.provider.vendor;

import java.io.IOException;

/** A response body that stopped sending for longer than the idle timeout. */
public final class IdleTimeoutException extends IOException {
    public IdleTimeoutException(String message) {
        super(message);
    }
}

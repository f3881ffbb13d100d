package dev.athena.workers.execution;

import dev.athena.workers.provider.spi.ProviderCall;

/**
 * The streamed text of one attempt at an item. Once the attempt is abandoned (its time is up and the next
 * provider is tried) nothing more of it reaches the client, however much the cancelled call still had buffered;
 * and it says whether any text reached the client, which decides whether another provider may answer at all.
 */
final class AttemptSink implements ProviderCall.DeltaSink {
    private final ProviderCall.DeltaSink target;
    private boolean open = true;
    private boolean delivered;

    AttemptSink(ProviderCall.DeltaSink target) {
        this.target = target;
    }

    @Override
    public synchronized void accept(String delta) {
        if (open) {
            delivered = true;
            target.accept(delta);
        }
    }

    /** After this returns, no delta of the attempt passes. */
    synchronized void close() {
        open = false;
    }

    synchronized boolean delivered() {
        return delivered;
    }
}

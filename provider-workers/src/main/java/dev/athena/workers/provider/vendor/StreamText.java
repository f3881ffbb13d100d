package dev.athena.workers.provider.vendor;

import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.ProviderException;
import dev.athena.workers.provider.spi.RetriableProviderException;

/**
 * The text of a streamed answer as it arrives, passed on to the call's delta sink. Knows whether anything was
 * passed on yet, which decides what a broken stream means: before the first token it is a retriable failure
 * (retry or fail over, nobody saw anything); after it, the answer is cut and the item says so.
 */
public final class StreamText {
    private final String provider;
    private final ProviderCall.DeltaSink sink;
    private final StringBuilder text = new StringBuilder();
    private boolean delivered;

    public StreamText(String provider, ProviderCall.DeltaSink sink) {
        this.provider = provider;
        this.sink = sink;
    }

    public void append(String delta) {
        if (delta == null || delta.isEmpty()) {
            return;
        }
        text.append(delta);
        if (sink != ProviderCall.DeltaSink.NONE) {
            sink.accept(delta);
            delivered = true;
        }
    }

    public String text() {
        return text.toString();
    }

    /** The stream failed with {@code cause}; returns what to throw. */
    public ProviderException broken(ProviderException cause) {
        if (!delivered) {
            return cause;
        }
        return new FatalProviderException(provider, FatalProviderException.Kind.STREAM_CUT, "the answer was cut after "
                + text.length() + " streamed characters: " + cause.getMessage(), cause);
    }

    /** The stream ended without its end marker. */
    public ProviderException truncated() {
        return broken(new RetriableProviderException(provider, RetriableProviderException.Kind.CONNECTION, 200,
                "the stream ended before the answer was complete"));
    }
}

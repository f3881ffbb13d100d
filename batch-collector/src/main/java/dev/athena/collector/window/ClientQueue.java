package dev.athena.collector.window;

import java.util.Objects;

/** One client's pending items in a route, numbered {@code head} (next out) up to {@code tail} (next in). */
record ClientQueue(String clientId, long head, long tail) {
    ClientQueue {
        Objects.requireNonNull(clientId, "clientId");
        if (head > tail) {
            throw new IllegalArgumentException("head must be <= tail but was " + head + " > " + tail);
        }
    }

    boolean isEmpty() {
        return head == tail;
    }

    ClientQueue pushed() {
        return new ClientQueue(clientId, head, tail + 1);
    }

    ClientQueue popped() {
        return new ClientQueue(clientId, head + 1, tail);
    }
}

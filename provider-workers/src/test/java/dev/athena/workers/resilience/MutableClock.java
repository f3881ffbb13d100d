package dev.athena.workers.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand; its sleeper records each wait and advances the clock by it. */
final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    final Sleeper sleeper = d -> {
        sleeps.add(d);
        advance(d);
    };

    MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
        now.updateAndGet(i -> i.plus(d));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}

package dev.athena.splitter;

import dev.athena.ops.Health;
import java.util.Map;
import java.util.Optional;

/** A splitter instance's {@code /health}: down once its delivery or its persistence path has stopped on its own. */
public final class SplitterHealth {
    private SplitterHealth() {
    }

    /** {@code splitter} null: not started yet, so not up. */
    public static Health of(ResultSplitter splitter) {
        return splitter == null ? Health.down(Map.of("splitter", "STARTING"))
                : ofStoppedPath(splitter.stoppedPath());
    }

    static Health ofStoppedPath(Optional<String> stoppedPath) {
        return stoppedPath.map(path -> Health.down(Map.of("splitter", "STOPPED", "stopped", path)))
                .orElseGet(() -> Health.up(Map.of("splitter", "RUNNING")));
    }
}

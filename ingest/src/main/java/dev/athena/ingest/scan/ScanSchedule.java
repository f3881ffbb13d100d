package dev.athena.ingest.scan;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import org.springframework.scheduling.support.CronExpression;

/** When scans run: a Spring cron expression (six fields, in a zone) or a fixed interval between starts. */
public sealed interface ScanSchedule {

    /** The next start strictly after {@code last}. */
    Instant next(Instant last);

    static ScanSchedule cron(String expression, ZoneId zone) {
        return new Cron(CronExpression.parse(expression), zone);
    }

    static ScanSchedule every(Duration interval) {
        return new Every(interval);
    }

    record Cron(CronExpression expression, ZoneId zone) implements ScanSchedule {
        public Cron {
            Objects.requireNonNull(expression, "expression");
            Objects.requireNonNull(zone, "zone");
        }

        @Override
        public Instant next(Instant last) {
            ZonedDateTime next = expression.next(last.atZone(zone));
            if (next == null) {
                throw new IllegalStateException("cron expression " + expression + " has no time after " + last);
            }
            return next.toInstant();
        }
    }

    record Every(Duration interval) implements ScanSchedule {
        public Every {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("interval must be positive but was " + interval);
            }
        }

        @Override
        public Instant next(Instant last) {
            return last.plus(interval);
        }
    }
}

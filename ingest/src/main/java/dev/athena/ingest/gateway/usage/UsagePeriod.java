package dev.athena.ingest.gateway.usage;

import dev.athena.ingest.gateway.InvalidInput;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The UTC days a usage report covers, both ends included: {@code from} and {@code to} as {@code YYYY-MM-DD}, by
 * default the 30 days that end today. At most {@value #MAX_DAYS} days, so one question cannot make PostgreSQL
 * add up years of a busy ledger.
 */
public record UsagePeriod(LocalDate from, LocalDate to) {
    public static final int DEFAULT_DAYS = 30;
    public static final int MAX_DAYS = 366;
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    public UsagePeriod {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.isAfter(to)) {
            throw new InvalidInput("from", "'from' (" + from + ") is after 'to' (" + to + ")");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new InvalidInput("from", "a report covers at most " + MAX_DAYS + " days; " + from + " to " + to
                    + " is " + (ChronoUnit.DAYS.between(from, to) + 1));
        }
    }

    /**
     * The period the query parameters name; either may be absent ({@code to} is then today, {@code from} the 30th
     * day back from {@code to}).
     *
     * @throws InvalidInput naming the parameter that is wrong
     */
    public static UsagePeriod parse(String from, String to, LocalDate today) {
        LocalDate end = to == null || to.isBlank() ? today : date("to", to);
        LocalDate start = from == null || from.isBlank() ? end.minusDays(DEFAULT_DAYS - 1) : date("from", from);
        return new UsagePeriod(start, end);
    }

    /** The first instant of the period. */
    public OffsetDateTime start() {
        return from.atStartOfDay().atOffset(ZoneOffset.UTC);
    }

    /** The first instant after the period. */
    public OffsetDateTime end() {
        return to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
    }

    private static LocalDate date(String name, String text) {
        String value = text.strip();
        if (DATE.matcher(value).matches()) {
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw new InvalidInput(name, "parameter '" + name + "' is not a day of the calendar: " + value);
            }
        }
        // Not echoed: whatever was pasted into a URL stays out of responses.
        throw new InvalidInput(name, "parameter '" + name + "' must be a date as YYYY-MM-DD (" + text.length()
                + " characters given)");
    }
}

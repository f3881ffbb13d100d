package dev.athena.ingest.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.ingest.gateway.InvalidInput;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class UsagePeriodTest {
    private static final LocalDate TODAY = LocalDate.parse("2026-12-02");

    @Test
    void shouldCoverTheThirtyDaysEndingTodayByDefault() {
        UsagePeriod period = UsagePeriod.parse(null, " ", TODAY);

        assertThat(period.from()).isEqualTo("2026-11-03");
        assertThat(period.to()).isEqualTo(TODAY);
        assertThat(period.start()).isEqualTo(OffsetDateTime.parse("2026-11-03T00:00Z"));
        assertThat(period.end()).as("the first instant after the last day").isEqualTo(
                OffsetDateTime.parse("2026-12-03T00:00Z"));
    }

    @Test
    void shouldCountThirtyDaysBackFromAGivenEnd() {
        assertThat(UsagePeriod.parse(null, "2026-02-28", TODAY).from()).isEqualTo("2026-01-30");
        assertThat(UsagePeriod.parse("2026-12-02", null, TODAY)).isEqualTo(new UsagePeriod(TODAY, TODAY));
    }

    @Test
    void shouldNameTheParameterThatIsNotADate() {
        assertThatThrownBy(() -> UsagePeriod.parse("yesterday", null, TODAY))
                .isInstanceOfSatisfying(InvalidInput.class,
                        e -> assertThat(e.name()).isEqualTo("from"))
                .hasMessage("parameter 'from' must be a date as YYYY-MM-DD (9 characters given)");
        assertThatThrownBy(() -> UsagePeriod.parse(null, "2026-02-30", TODAY))
                .isInstanceOfSatisfying(InvalidInput.class, e -> assertThat(e.name()).isEqualTo("to"))
                .hasMessage("parameter 'to' is not a day of the calendar: 2026-02-30");
        assertThatThrownBy(() -> UsagePeriod.parse("2026-12-01T00:00:00Z", null, TODAY))
                .hasMessageContaining("YYYY-MM-DD");
    }

    @Test
    void shouldRefuseAPeriodThatEndsBeforeItStarts() {
        assertThatThrownBy(() -> UsagePeriod.parse("2026-12-05", "2026-12-02", TODAY))
                .isInstanceOfSatisfying(InvalidInput.class,
                        e -> assertThat(e.name()).isEqualTo("from"))
                .hasMessage("'from' (2026-12-05) is after 'to' (2026-12-02)");
    }

    @Test
    void shouldRefuseMoreThanAYearAndADay() {
        assertThat(new UsagePeriod(LocalDate.parse("2025-12-02"), TODAY).from()).isEqualTo("2025-12-02");
        assertThatThrownBy(() -> UsagePeriod.parse("2025-12-01", "2026-12-02", TODAY))
                .isInstanceOf(InvalidInput.class)
                .hasMessage("a report covers at most 366 days; 2025-12-01 to 2026-12-02 is 367");
    }
}

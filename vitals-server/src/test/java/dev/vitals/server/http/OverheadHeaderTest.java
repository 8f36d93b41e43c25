package dev.vitals.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The overhead header's number is written by hand on the hot path; it must read as "%.3f" would. */
class OverheadHeaderTest {

    @Test
    void threeDecimalsLikeFormat() {
        for (double ms : new double[] {0, 0.0004, 0.0006, 0.001, 0.0123, 0.099, 0.1, 1.2345, 1.9999, 12.3456, 999.9996, 123456.789}) {
            assertThat(ChatHandler.millis3(ms)).as("%s ms", ms).isEqualTo(String.format(Locale.ROOT, "%.3f", ms));
        }
    }
}

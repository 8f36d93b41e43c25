package dev.vitals.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.drift.DatasetProfile;
import dev.vitals.drift.FeatureType;
import dev.vitals.server.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference upload reads CSV by the CLI's rules (one reader): delimiters, BOM, nulls, numbers, errors. */
class DriftReferenceCsvTest {
    private static Map<String, DatasetProfile> parse(String body) {
        return DriftHandler.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void semicolonTabBomAndCrlfAsInTheCli() {
        for (String body : new String[] {"\uFEFFage;city\r\n30;x\r\nNA;y\r\n", "age\tcity\n30\tx\n\ty\n"}) {
            Map<String, DatasetProfile> p = parse(body);
            assertThat(p).containsOnlyKeys("age", "city");
            assertThat(p.get("age").feature("age").type()).isEqualTo(FeatureType.NUMERIC);
            assertThat(p.get("city").feature("city").type()).isEqualTo(FeatureType.CATEGORICAL);
        }
    }

    @Test
    void infinityIsANullOfANumericColumn() {
        // before: a column with "inf" became categorical in the upload but numeric in `vitals drift`
        Map<String, DatasetProfile> p = parse("x\n1\ninf\n2\n");
        assertThat(p.get("x").feature("x").type()).isEqualTo(FeatureType.NUMERIC);
    }

    @Test
    void malformedInputIs400NamingTheLine() {
        assertThatThrownBy(() -> parse("a,b\n1,2\n3\n")).isInstanceOf(ApiException.class)
                .hasMessageContaining("the reference line 3: 1 field, but the header has 2 columns");
        assertThatThrownBy(() -> parse("a,b\n1,\"2\n")).isInstanceOf(ApiException.class)
                .hasMessageContaining("the reference line 2: not valid CSV");
        assertThatThrownBy(() -> parse("a,a\n1,2\n")).isInstanceOf(ApiException.class)
                .hasMessageContaining("names column \"a\" twice");
        assertThatThrownBy(() -> parse("a,b\n")).isInstanceOf(ApiException.class)
                .hasMessageContaining("at least one data row");
        assertThatThrownBy(() -> parse("")).isInstanceOf(ApiException.class)
                .hasMessageContaining("no header row");
    }
}

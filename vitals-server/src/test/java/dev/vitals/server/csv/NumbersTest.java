package dev.vitals.server.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.internal.RadixSort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compact storage of a numeric column gives back, bit for bit, the doubles the value rules parse. */
class NumbersTest {

    /** What a column read as doubles would hold: parsePlainDecimal, else the general rules; nulls as NaN. */
    private static double expected(String s) {
        double plain = CsvValues.parsePlainDecimal(s);
        if (!Double.isNaN(plain)) {
            return plain;
        }
        return CsvValues.isNull(s) ? Double.NaN : CsvValues.parseNumber(s);
    }

    private static Numbers read(List<String> values) {
        Numbers n = new Numbers();
        for (String s : values) {
            if (!n.addPlain(s)) {
                if (CsvValues.isNull(s)) {
                    n.addNull();
                } else {
                    n.add(CsvValues.parseNumber(s));
                }
            }
        }
        return n;
    }

    private static void assertExact(List<String> values, boolean compact) {
        Numbers n = read(values);
        assertThat(n.compact()).as("compact").isEqualTo(compact);
        assertThat(n.size()).isEqualTo(values.size());
        double[] got = n.toArray();
        for (int i = 0; i < values.size(); i++) {
            assertThat(Double.doubleToRawLongBits(got[i])).as(values.get(i))
                    .isEqualTo(Double.doubleToRawLongBits(expected(values.get(i))));
        }
        double[] finite = values.stream().mapToDouble(NumbersTest::expected).filter(Double::isFinite).sorted()
                .toArray();
        assertThat(n.finiteCount()).isEqualTo(finite.length);
        double[] buffer = new double[values.size() + 3];
        int k = n.sortedFinite(buffer, new Numbers.Scratch());
        assertThat(Arrays.copyOf(buffer, k)).containsExactly(finite);
        Numbers.Scratch used = new Numbers.Scratch(); // a scratch left from a larger column
        read(List.of("5", "4", "3", "2", "1", "0", "-1")).sortedFinite(new double[7], used);
        Arrays.fill(buffer, -99);
        assertThat(Arrays.copyOf(buffer, n.sortedFinite(buffer, used))).containsExactly(finite);
    }

    @Test
    void fixedDecimalsStayCompactAndExact() {
        Random rnd = new Random(11);
        List<String> v = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) { // past several chunks, and radix sorted
            v.add(i % 97 == 0 ? "" : String.format(Locale.ROOT, "%.6f", rnd.nextGaussian() * 3));
        }
        v.add("NA");
        v.add("2147.483647"); // the largest mantissa at 6 decimals
        v.add("-2147.483647");
        assertExact(v, true);
    }

    @Test
    void mixedDecimalsRaiseTheScaleAndStayExact() {
        assertExact(List.of("1", "2.5", "null", "-10.125", "7", "0.000001", "3.1"), true);
        assertExact(List.of("0.1", "0.2", "0.3", ".5", "5.", "+4.25", "-0.75"), true);
    }

    @Test
    void valuesTheCompactFormCannotHoldTurnTheColumnIntoDoubles() {
        assertExact(List.of("1.5", "2147483648", "3"), false);            // past an int
        assertExact(List.of("1.5", "0.6543461456931913", "3"), false);    // 16 decimals
        assertExact(List.of("21474.83647", "0.000001"), false);          // rescaling would overflow
        assertExact(List.of("1", "1e3", "2"), false);                    // an exponent
        assertExact(List.of("1", "inf", "-Infinity", "NaN", "2"), false); // ±infinity
        assertExact(List.of("1", " 2 ", "3"), false);                    // spaces
        assertExact(List.of("1", "-0.0", "3"), false);                   // -0 keeps its sign
        assertExact(List.of("1", "1234567890123456789", "3"), false);    // 19 digits: the general parser
    }

    @Test
    void theRadixSortOrdersAnyIntsAsSigned() {
        Random rnd = new Random(5);
        for (int t = 0; t < 200; t++) {
            int n = rnd.nextInt(3000);
            int bits = 1 + rnd.nextInt(32);
            int[] v = new int[n];
            int[] keys = new int[n];
            for (int i = 0; i < n; i++) {
                v[i] = bits == 32 ? rnd.nextInt() : rnd.nextInt(1 << (bits - 1)) - (rnd.nextBoolean() ? 1 << (bits - 2) : 0);
                keys[i] = v[i] ^ Integer.MIN_VALUE;
            }
            int[] sorted = RadixSort.sort(keys, new int[n], RadixSort.counts(), n);
            int[] expected = v.clone();
            Arrays.sort(expected);
            for (int i = 0; i < n; i++) {
                assertThat(sorted[i] ^ Integer.MIN_VALUE).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void parseDecimalGivesTheGeneralParsersDoubleForAnyPlainDecimal() {
        Random rnd = new Random(8);
        for (int i = 0; i < 100_000; i++) {
            String s = rnd.nextInt(4) == 0 ? Double.toString(rnd.nextDouble())
                    : new java.math.BigDecimal(rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12)))
                            .setScale(rnd.nextInt(25), java.math.RoundingMode.HALF_EVEN).toPlainString();
            if (s.contains("E")) {
                continue;
            }
            assertThat(Double.doubleToRawLongBits(CsvValues.parseDecimal(s))).as(s)
                    .isEqualTo(Double.doubleToRawLongBits(CsvValues.parseNumber(s)));
        }
        for (String s : List.of("1e3", " 1", "1 ", "inf", "", "-", ".", "1.2.3", "NaN", "0x10", "1_000")) {
            assertThat(CsvValues.parseDecimal(s)).as(s).isNaN();
        }
        assertThat(CsvValues.parseDecimal("12345678901234567890123.5")).isEqualTo(1.23456789012345678901235e22);
        assertThat(CsvValues.parseDecimal("+.5")).isEqualTo(0.5);
        assertThat(CsvValues.parseDecimal("5.")).isEqualTo(5.0);
    }

    @Test
    void aColumnOfNullsOrNothing() {
        assertExact(List.of(), true);
        assertExact(List.of("", "NA", "null"), true);
    }
}

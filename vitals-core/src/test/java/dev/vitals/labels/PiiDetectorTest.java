package dev.vitals.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.vitals.labels.PiiDetector.Kind;
import dev.vitals.labels.PiiDetector.Match;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PiiDetectorTest {
    private final PiiDetector detector = PiiDetector.get();

    private List<Kind> kinds(String s) {
        return detector.find(s).stream().map(Match::kind).toList();
    }

    private String matched(String s) {
        List<Match> m = detector.find(s);
        assertThat(m).as("matches in %s", s).hasSize(1);
        return s.substring(m.get(0).start(), m.get(0).end());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "user-jane.doe@example.com-session | user-jane.doe@example.com | EMAIL",
            "mail: jane@example.co.uk.         | jane@example.co.uk        | EMAIL",
            "call +1 (415) 555-2671 now        | +1 (415) 555-2671         | PHONE",
            "tel 415-555-2671                  | 415-555-2671              | PHONE",
            "+44 20 7946 0958                  | +44 20 7946 0958          | PHONE",
            "x 0171 555 1234 y                 | 0171 555 1234             | PHONE",
            "(415) 555-2671                    | (415) 555-2671            | PHONE",
            "caller-415-555-2671-2             | 415-555-2671              | PHONE",
            "card 4111 1111 1111 1111 ok       | 4111 1111 1111 1111       | CARD",
            "from 192.168.1.20:443             | 192.168.1.20              | IPV4",
            "ip-10-0-1-23.ec2.internal         | 10-0-1-23                 | IPV4",
            "[2001:db8::8a2e:370:7334]         | 2001:db8::8a2e:370:7334   | IPV6",
            "::ffff:192.0.2.128                | ::ffff:192.0.2.128        | IPV6",
            "acct-000123456789-x               | 000123456789              | DIGITS",
            "ssn 123-45-6789                   | 123-45-6789               | DIGITS",
            "req-123e4567-e89b-12d3-a456-426614174000 | 123e4567-e89b-12d3-a456-426614174000 | UUID",
            "id=0123456789abcdef0123456789abcdef | 0123456789abcdef0123456789abcdef | UUID",
    })
    void findsTheSpanAndKind(String text, String span, Kind kind) {
        assertThat(matched(text)).isEqualTo(span);
        assertThat(kinds(text)).containsExactly(kind);
    }

    @Test
    void spansAreSortedAndDisjoint() {
        String s = "a@example.com 415-555-2671 10.1.2.3 123456789";
        List<Match> m = detector.find(s);
        assertThat(m).extracting(Match::kind).containsExactly(Kind.EMAIL, Kind.PHONE, Kind.IPV4, Kind.DIGITS);
        for (int i = 1; i < m.size(); i++) {
            assertThat(m.get(i).start()).isGreaterThanOrEqualTo(m.get(i - 1).end());
        }
    }

    /** Published test numbers of the card networks: 13 to 19 digits, Luhn-valid. */
    static Stream<String> validCards() {
        return Stream.of("4111111111111111", "4012888888881881", "4222222222222", "5555555555554444",
                "5105105105105100", "2223003122003222", "378282246310005", "371449635398431",
                "6011111111111117", "3530111333300000", "3566002020360505", "30569309025904",
                "6200000000000005", "6011000990139420007");
    }

    @ParameterizedTest
    @MethodSource("validCards")
    void luhnValidCardsAreCards(String card) {
        assertThat(kinds(card)).containsExactly(Kind.CARD);
        assertThat(kinds("pay " + group(card, ' ') + " now")).containsExactly(Kind.CARD);
        assertThat(kinds("pay-" + group(card, '-') + "-now")).containsExactly(Kind.CARD);
    }

    /**
     * One digit changed breaks the Luhn check: never a card. At 13+ digits such a number is still an
     * unbounded id, so it is reported as DIGITS (unseparated: a run of 9+ digits; grouped: 13+ digits).
     */
    @ParameterizedTest
    @MethodSource("validCards")
    void luhnInvalidNumbersAreNotCards(String card) {
        char last = card.charAt(card.length() - 1);
        String broken = card.substring(0, card.length() - 1) + (char) ('0' + (last - '0' + 1) % 10);
        assertThat(kinds(broken)).containsExactly(Kind.DIGITS);
        assertThat(kinds(group(broken, ' '))).containsExactly(Kind.DIGITS);
        assertThat(kinds(group(broken, '-'))).containsExactly(Kind.DIGITS);
    }

    private static String group(String digits, char sep) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && i % 4 == 0) {
                sb.append(sep);
            }
            sb.append(digits.charAt(i));
        }
        return sb.toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "20240718                 | an 8-digit date is not a long digit string",
            "12345678                 | 8 digits",
            "2024-07-18 10:15:30      | date and time",
            "claude-sonnet-4-20250514 | model with compact date",
            "o1-2024-12-17            | model with date after a digit",
            "1.2.3.4.5                | five dotted numbers are not an IPv4",
            "v1.2.3.4                 | version prefix",
            "999.1.1.1                | octet over 255",
            "12:30:45                 | a time is not an IPv6",
            "db:5432                  | host:port",
            "1920 1080                | two groups without trunk prefix",
            "a1b2c3d4a1b2c3d4a1b2c3d4a1b2c3d  | 31 hex digits",
            "a1b2c3d4a1b2c3d4a1b2c3d4a1b2c3d4e | 33 hex digits is not 32-hex",
            "a1b2c3                   | short hex",
            "x@localhost              | no TLD",
            "@example.com             | no local part",
    })
    void notPii(String text, String why) {
        assertThat(detector.find(text)).as(why).isEmpty();
    }

    @Test
    void ordinaryCorpusHasNoFindings() {
        for (Corpus.Entry e : Corpus.read("/labels/ordinary-labels.txt")) {
            assertThat(detector.find(e.value())).as("%s", e).isEmpty();
        }
    }

    @Test
    void everyPiiCorpusLineHasItsKind() {
        for (Corpus.Entry e : Corpus.read("/labels/pii-corpus.txt")) {
            assertThat(kinds(e.value())).as("%s", e).contains(Kind.valueOf(e.kind().toUpperCase(java.util.Locale.ROOT)));
        }
    }

    @Test
    void nullAndEmpty() {
        assertThat(detector.find(null)).isEmpty();
        assertThat(detector.find("")).isEmpty();
        assertThat(detector.containsPii("gpt-4o")).isFalse();
        assertThat(detector.containsPii("jane@example.com")).isTrue();
    }

    /** Inputs built to make a backtracking matcher explode, or to yield tens of thousands of findings. */
    @Test
    void adversarialInputsStayLinear() {
        String[] units = {"a@", "a.", "1-", "1 ", "1.", "1:", ":", "::1:", "a-", "+1 ", "(1) ", "0@a.", "1.1.1.", "ab12-", "ffff:",
                "1.1.1.1 ", "a@b.cc ", "::1 ", "415-555-2671 ", "4111111111111111 ", "123456789 "};
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (String u : units) {
                String s = u.repeat(50_000 / u.length());
                detector.find(s);
                detector.find(s + "x@example.com");
            }
        });
    }
}

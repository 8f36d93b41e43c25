package dev.vitals.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.labels.PiiDetector.Kind;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelPolicyTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[(email|phone|card|ipv4|ipv6|digits|uuid)]");
    /** Digits joined by anything a number is written with: what is left must hold fewer than 7 digits. */
    private static final Pattern DIGIT_CHAIN = Pattern.compile("\\d[\\d .()+:/-]*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}([.-]\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("::|[0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{1,4}){2,}");
    private static final Pattern LONG_HEX = Pattern.compile("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}|[0-9A-Fa-f]{12,}");

    private final LabelMetrics metrics = LabelMetrics.unregistered();
    private final LabelPolicy policy = LabelPolicy.builder().metrics(metrics).build();

    @Test
    void piiCorpusIsFullyRedacted() {
        List<Corpus.Entry> corpus = Corpus.read("/labels/pii-corpus.txt");
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(60);
        assertThat(corpus).extracting(Corpus.Entry::kind).doesNotContainNull()
                .containsAll(List.of("email", "phone", "card", "ipv4", "ipv6", "digits", "uuid"));
        for (Corpus.Entry e : corpus) {
            String out = policy.clean(e.value());
            assertThat(out).as("%s", e).contains("[" + e.kind() + "]");
            String rest = PLACEHOLDER.matcher(out).replaceAll(" ");
            assertThat(rest).as("%s -> %s", e, out).doesNotContain("@");
            assertThat(IPV4.matcher(rest).find()).as("IPv4 left in %s -> %s", e, out).isFalse();
            assertThat(IPV6.matcher(rest).find()).as("IPv6 left in %s -> %s", e, out).isFalse();
            assertThat(LONG_HEX.matcher(rest).find()).as("UUID left in %s -> %s", e, out).isFalse();
            var chains = DIGIT_CHAIN.matcher(rest);
            while (chains.find()) {
                long digits = chains.group().chars().filter(Character::isDigit).count();
                assertThat(digits).as("digits left in %s -> %s", e, out).isLessThan(7);
            }
            assertThat(policy.clean(out)).as("idempotent: %s", e).isSameAs(out);
        }
    }

    @Test
    void ordinaryCorpusComesOutUnchanged() {
        List<Corpus.Entry> corpus = Corpus.read("/labels/ordinary-labels.txt");
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(80);
        for (Corpus.Entry e : corpus) {
            assertThat(policy.clean(e.value())).as("%s", e).isSameAs(e.value());
        }
        for (Kind k : Kind.values()) {
            assertThat(metrics.redactions(k).get()).isZero();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "owner=jane.doe@example.com        | owner=[email]",
            "user-jane.doe@example.com-session | [email]-session",
            "caller-415-555-2671-retry         | caller-[phone]-retry",
            "caller-415-555-2671-2             | caller-[phone]-2",
            "paid with 5555-5555-5555-4444 ok  | paid with [card] ok",
            "client-203.0.113.42-session       | client-[ipv4]-session",
            "client-2001:db8::ff00:42:8329-req | client-[ipv6]-req",
            "acct-123456789012                 | acct-[digits]",
            "4111111111111112                  | [digits]",
            "req-550e8400-e29b-41d4-a716-446655440000 | req-[uuid]",
            "a@example.com;+1 415 555 2671;10.0.0.1 | [email];[phone];[ipv4]",
    })
    void replacesEachFindingByItsPlaceholder(String in, String out) {
        assertThat(policy.clean(in)).isEqualTo(out);
    }

    @Test
    void nullAndEmptyAreUnknown() {
        assertThat(policy.clean(null)).isEqualTo("unknown");
        assertThat(policy.clean("")).isEqualTo("unknown");
    }

    @Test
    void controlCharactersAndLoneSurrogatesBecomeUnderscores() {
        assertThat(policy.clean("a\nb\tc\u0000d\u007f")).isEqualTo("a_b_c_d_");
        assertThat(policy.clean("x\uD800y")).isEqualTo("x_y");      // lone high surrogate
        assertThat(policy.clean("x\uDC00y")).isEqualTo("x_y");      // lone low surrogate
        assertThat(policy.clean("end\uD83D")).isEqualTo("end_");    // high surrogate at the end
        String pair = "emoji-\uD83D\uDE00";
        assertThat(policy.clean(pair)).isSameAs(pair);
    }

    @Test
    void cutsToMaxValueLength() {
        String longValue = "a".repeat(500);
        assertThat(policy.clean(longValue)).isEqualTo("a".repeat(128));
        LabelPolicy p = LabelPolicy.builder().maxValueLength(16).build();
        assertThat(p.clean("abcdefghijklmnopqrstuvwxyz")).isEqualTo("abcdefghijklmnop");
        String exact = "a".repeat(128);
        assertThat(policy.clean(exact)).isSameAs(exact);
    }

    @Test
    void cutNeverSplitsASurrogatePair() {
        String s = "a".repeat(127) + "\uD83D\uDE00" + "tail";
        String out = policy.clean(s);
        assertThat(out).isEqualTo("a".repeat(127));
        String fits = "a".repeat(126) + "\uD83D\uDE00" + "tail";
        assertThat(policy.clean(fits)).isEqualTo("a".repeat(126) + "\uD83D\uDE00");
    }

    @Test
    void cutNeverSplitsAPlaceholder() {
        String out = policy.clean("x".repeat(125) + " jane@example.com");
        assertThat(out).isEqualTo("x".repeat(125) + " ");
        assertThat(policy.clean("x".repeat(120) + "/jane@example.com")).isEqualTo("x".repeat(120) + "/[email]");
    }

    @Test
    void piiIsFoundBeforeTheCutAndAfterIt() {
        // Found in the whole value, so the part that survives the cut is not a fragment of a number.
        assertThat(policy.clean("x".repeat(124) + "415-555-2671")).isEqualTo("x".repeat(124));
        // Five dotted numbers are no IPv4... until the cut drops the fifth: the result is checked again.
        String s = "x".repeat(119) + "-10.0.0.1.5";
        assertThat(policy.clean(s)).isEqualTo("x".repeat(119) + "-[ipv4]");
    }

    @Test
    void cleanIsIdempotentAndKeepsCleanInstances() {
        String clean = "gpt-4o-mini";
        assertThat(policy.clean(clean)).isSameAs(clean);
        String once = policy.clean("bot/jane@example.com\n");
        assertThat(once).isEqualTo("bot/[email]_");
        assertThat(policy.clean(once)).isSameAs(once);
    }

    @Test
    void redactionsAreCountedOncePerKindPerValue() {
        policy.clean("a@example.com and b@example.com");
        policy.clean("+1 415 555 2671 / c@example.com");
        assertThat(metrics.redactions(Kind.EMAIL).get()).isEqualTo(2.0);
        assertThat(metrics.redactions(Kind.PHONE).get()).isEqualTo(1.0);
        assertThat(metrics.redactions(Kind.CARD).get()).isZero();
    }

    @Test
    void redactionCanBeTurnedOff() {
        LabelPolicy p = LabelPolicy.builder().redactPii(false).maxValueLength(20).build();
        String email = "jane@example.com";
        assertThat(p.clean(email)).isSameAs(email);
        assertThat(p.clean("jane@example.com-and-more")).isEqualTo("jane@example.com-and");
        assertThat(p.redactPii()).isFalse();
    }

    @Test
    void cleanNeverThrows() {
        java.util.Random r = new java.util.Random(42);
        String alphabet = "aZ09@.:-+ ()[]_/\uD83D\uDE00\uD800\n";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(300);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String out = policy.clean(sb.toString());
            assertThat(out).isNotEmpty().hasSizeLessThanOrEqualTo(128);
            assertThat(policy.clean(out)).isSameAs(out);
        }
    }

    @Test
    void defaults() {
        LabelPolicy p = LabelPolicy.builder().build();
        assertThat(p.maxValueLength()).isEqualTo(128);
        assertThat(p.maxSeriesPerMetric()).isEqualTo(2000);
        assertThat(p.redactPii()).isTrue();
        assertThat(p.allowedKeys()).isEmpty();
        assertThat(p.isAllowedKey("tenant")).isFalse();
    }

    @Test
    void allowedKeys() {
        LabelPolicy p = LabelPolicy.builder().allowedKeys("tenant", "route", "_x9").build();
        assertThat(p.allowedKeys()).containsExactly("tenant", "route", "_x9");
        assertThat(p.isAllowedKey("tenant")).isTrue();
        assertThat(p.isAllowedKey("Tenant")).isFalse();
        assertThat(p.isAllowedKey(null)).isFalse();
        assertThat(p.isAllowedKey("model_name")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1tenant   | allowed key \"1tenant\" is not a valid Prometheus label name [a-zA-Z_][a-zA-Z0-9_]*",
            "ten-ant   | allowed key \"ten-ant\" is not a valid Prometheus label name [a-zA-Z_][a-zA-Z0-9_]*",
            "tenánt    | allowed key \"tenánt\" is not a valid Prometheus label name [a-zA-Z_][a-zA-Z0-9_]*",
            "__tenant  | allowed key \"__tenant\" must not start with \"__\" (reserved by Prometheus)",
            "le        | allowed key \"le\" is reserved",
            "quantile  | allowed key \"quantile\" is reserved",
            "model_name| allowed key \"model_name\" is reserved",
            "status    | allowed key \"status\" is reserved",
    })
    void invalidKeysFailWithExactMessages(String key, String message) {
        assertThatThrownBy(() -> LabelPolicy.builder().allowedKeys("ok", key).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void otherBuilderErrorsHaveExactMessages() {
        assertThatThrownBy(() -> LabelPolicy.builder().allowedKeys("").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowed key \"\" is not a valid Prometheus label name [a-zA-Z_][a-zA-Z0-9_]*");
        assertThatThrownBy(() -> LabelPolicy.builder().allowedKeys((String[]) null).build())
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("allowedKeys must not be null");
        assertThatThrownBy(() -> LabelPolicy.builder().allowedKeys("a", null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("allowed key must not be null");
        assertThatThrownBy(() -> LabelPolicy.builder().allowedKeys("a", "b", "a").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("allowed key \"a\" is listed twice");
        assertThatThrownBy(() -> LabelPolicy.builder().maxValueLength(15).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxValueLength must be in [16, 1024], got 15");
        assertThatThrownBy(() -> LabelPolicy.builder().maxValueLength(1025).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxValueLength must be in [16, 1024], got 1025");
        assertThatThrownBy(() -> LabelPolicy.builder().maxSeriesPerMetric(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxSeriesPerMetric must be in [1, 1000000], got 0");
        assertThatThrownBy(() -> LabelPolicy.builder().maxSeriesPerMetric(1_000_001).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxSeriesPerMetric must be in [1, 1000000], got 1000001");
        assertThatThrownBy(() -> policy.limiter(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("metric must be a non-empty string");
        assertThatThrownBy(() -> policy.limiter(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("metric must not be null");
        assertThatThrownBy(() -> policy.limiter("m", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxSeries must be in [1, 1000000], got 0");
    }

    @Test
    void builderCopiesTheKeyArray() {
        String[] keys = {"tenant"};
        LabelPolicy.Builder b = LabelPolicy.builder().allowedKeys(keys);
        keys[0] = "le";
        assertThat(b.build().allowedKeys()).containsExactly("tenant");
    }

    @Test
    void placeholdersAreLowerCaseKindNames() {
        for (Kind k : Kind.values()) {
            assertThat(k.placeholder()).isEqualTo("[" + k.name().toLowerCase(Locale.ROOT) + "]");
        }
    }
}

package dev.vitals.labels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Finds personal data in a label value. Stateless and thread-safe; hand-written scanners instead of
 * regular expressions, so every pass is linear in the input (no backtracking) and a typical label is
 * scanned in a few hundred nanoseconds. It is meant to run once per <em>new</em> label value, not per
 * request.
 *
 * <p>What is reported, as non-overlapping {@link Match}es sorted by position:
 * <ul>
 *   <li>{@link Kind#EMAIL}: {@code local@domain.tld} (TLD of 2+ letters) or {@code local@1.2.3.4}; the
 *       whole local part goes, so {@code user-jane.doe@example.com-session} keeps only {@code -session};</li>
 *   <li>{@link Kind#UUID}: 8-4-4-4-12 hex digits, or a run of exactly 32 hex digits with a digit in it;</li>
 *   <li>{@link Kind#IPV6}: 8 groups, compressed {@code ::} forms and IPv4-mapped/embedded forms;</li>
 *   <li>{@link Kind#IPV4}: four dotted octets 0-255, not after a digit, a dot or a lone {@code v}
 *       ({@code v1.2.3.4} is a version), and cloud host names such as {@code ip-10-0-1-23};</li>
 *   <li>{@link Kind#CARD}: 13-19 digits led by 2-6, unseparated or grouped by single spaces or dashes,
 *       <b>only when the Luhn check passes</b>;</li>
 *   <li>{@link Kind#PHONE}: {@code +} and 7-15 digits with separators ({@code space - . ( )}), or a
 *       national form of 7-15 digits in 2+ groups with one separator style ({@code 415-555-2671},
 *       {@code (415) 555-2671}, {@code 0171 555 1234}, {@code 06 12 34 56 78}, {@code 555-2671});</li>
 *   <li>{@link Kind#DIGITS}: any run of {@value #LONG_DIGITS}+ consecutive digits (account numbers,
 *       SSN-like ids, epoch timestamps), an SSN-shaped {@code 123-45-6789}, and a number of 13+ digits
 *       grouped by spaces or dashes that is not a card. So a Luhn-invalid card number is never
 *       {@code CARD} but still {@code DIGITS}.</li>
 * </ul>
 * Dates are not PII here: {@code 2024-07-18}, {@code 18.07.2024} and an 8-digit {@code 20240718} cut
 * digit sequences apart, which keeps {@code claude-sonnet-4-20250514} and {@code gpt-4o-2024-08-06}
 * clean. Overlapping findings merge into one match of the higher-priority kind (the order of
 * {@link Kind}), so nothing any scanner flagged is left half-visible.
 *
 * <p>Not detected: names, postal addresses, MAC addresses, digits other than ASCII {@code 0-9}.
 */
public final class PiiDetector {
    /** Shortest run of consecutive digits reported as {@link Kind#DIGITS}: 9 (an 8-digit date is not PII). */
    public static final int LONG_DIGITS = 9;

    private static final PiiDetector INSTANCE = new PiiDetector();
    private static final int MIN_PHONE_DIGITS = 7;
    private static final int MAX_PHONE_DIGITS = 15;
    private static final int MIN_CARD_DIGITS = 13;
    private static final int MAX_CARD_DIGITS = 19;
    private static final int[] UUID_TAIL = {4, 4, 4, 12};

    /** Kinds of personal data, in priority order: when findings overlap the earlier kind wins. */
    public enum Kind {
        EMAIL, UUID, IPV6, IPV4, CARD, PHONE, DIGITS;

        private final String label = name().toLowerCase(Locale.ROOT);
        private final String placeholder = "[" + label + "]";

        /** The lower-case name used as the {@code kind} label value, e.g. {@code email}. */
        public String label() {
            return label;
        }

        /** What replaces a finding in a cleaned value, e.g. {@code [email]}. */
        public String placeholder() {
            return placeholder;
        }
    }

    /** One finding: {@code text.subSequence(start, end)} is personal data of {@code kind}. */
    public record Match(Kind kind, int start, int end) {
    }

    private PiiDetector() {
    }

    /** The detector; it has no configuration and no state. */
    public static PiiDetector get() {
        return INSTANCE;
    }

    /** True when {@link #find} would report anything. */
    public boolean containsPii(CharSequence text) {
        return !find(text).isEmpty();
    }

    /** The findings in {@code text}, sorted by start and non-overlapping; empty for {@code null}. */
    public List<Match> find(CharSequence text) {
        if (text == null || !worthScanning(text)) {
            return List.of();
        }
        List<Match> out = new ArrayList<>(4);
        emails(text, out);
        uuids(text, out);
        scan(text, Kind.IPV6, PiiDetector::ipv6MayStart, PiiDetector::ipv6At, out);
        scan(text, Kind.IPV4, PiiDetector::ipv4MayStart, PiiDetector::ipv4At, out);
        numberChains(text, out);
        digitRuns(text, out);
        return resolve(out);
    }

    // Most label values have neither a digit nor an '@', and every kind needs one (an IPv6 or UUID
    // spelled without a single digit, like "abcd::ef", is let through), so this skips all scanners.
    private static boolean worthScanning(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (isDigit(c) || c == '@') {
                return true;
            }
        }
        return false;
    }

    /** Where a match of one kind may start, and where the match starting there ends ({@code -1}: none). */
    private interface Start {
        boolean test(CharSequence s, int i);
    }

    private interface End {
        int at(CharSequence s, int i);
    }

    /**
     * Adds the non-overlapping matches of {@code kind}, left to right: a match's end is where the scan goes on.
     * For the IP scanners only: with more than two, the per-character calls turn megamorphic and the scan
     * measured twice as slow on a 4 KB response (the UUID and digit scanners skip whole runs instead).
     */
    private static void scan(CharSequence s, Kind kind, Start mayStart, End end, List<Match> out) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (!mayStart.test(s, i)) {
                continue;
            }
            int e = end.at(s, i);
            if (e > 0) {
                out.add(new Match(kind, i, e));
                i = e - 1;
            }
        }
    }

    // ---------------------------------------------------------------- e-mail

    private static void emails(CharSequence s, List<Match> out) {
        int n = s.length();
        for (int at = 0; at < n; at++) {
            if (s.charAt(at) != '@') {
                continue;
            }
            int a = at;
            while (a > 0 && isEmailLocal(s.charAt(a - 1))) {
                a--;
            }
            if (a == at) {
                continue;
            }
            int end = domainEnd(s, at + 1);
            if (end < 0) {
                end = ipv4At(s, at + 1);
            }
            if (end > 0) {
                out.add(new Match(Kind.EMAIL, a, end));
            }
        }
    }

    private static boolean isEmailLocal(char c) {
        return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    /** End of the longest {@code label(.label)+} whose last label starts with 2+ letters, or -1. */
    private static int domainEnd(CharSequence s, int p) {
        int n = s.length();
        int best = -1;
        boolean first = true;
        while (true) {
            int q = p;
            while (q < n && (isAlnum(s.charAt(q)) || s.charAt(q) == '-')) {
                q++;
            }
            if (q == p) {
                return best;
            }
            if (!first) {
                // The TLD may be followed by '-' ("a@b.com-session"): the letters before it are the TLD.
                int t = p;
                while (t < n && isLetter(s.charAt(t))) {
                    t++;
                }
                if (t - p >= 2 && (t == n || !isAlnum(s.charAt(t)))) {
                    best = t;
                }
            }
            first = false;
            if (q + 1 < n && s.charAt(q) == '.' && isAlnum(s.charAt(q + 1))) {
                p = q + 1;
            } else {
                return best;
            }
        }
    }

    // ---------------------------------------------------------------- UUID

    private static void uuids(CharSequence s, List<Match> out) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!isHex(s.charAt(i))) {
                i++;
                continue;
            }
            int j = hexRunEnd(s, i);
            int len = j - i;
            if (len == 32 && hasDigit(s, i, j)) {
                out.add(new Match(Kind.UUID, i, j));
            } else if (len == 8) {
                int end = dashedUuidTail(s, j);
                if (end > 0) {
                    out.add(new Match(Kind.UUID, i, end));
                    j = end;
                }
            }
            i = j;
        }
    }

    private static int dashedUuidTail(CharSequence s, int p) {
        int n = s.length();
        for (int want : UUID_TAIL) {
            if (p >= n || s.charAt(p) != '-') {
                return -1;
            }
            int e = hexRunEnd(s, p + 1);
            if (e - (p + 1) != want) {
                return -1;
            }
            p = e;
        }
        return p;
    }

    private static int hexRunEnd(CharSequence s, int i) {
        int n = s.length();
        while (i < n && isHex(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean hasDigit(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (isDigit(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- IPv6

    // Only at the start of a token, never inside "v1:0" or after ':': attempts do not overlap
    // beyond a bounded address length, so the scan stays linear.
    private static boolean ipv6MayStart(CharSequence s, int i) {
        char c = s.charAt(i);
        return (isHex(c) || c == ':') && (i == 0 || !(isAlnum(s.charAt(i - 1)) || s.charAt(i - 1) == ':'));
    }

    private static int ipv6At(CharSequence s, int p) {
        int n = s.length();
        int groups = 0;
        boolean compressed = false;
        if (startsWith(s, p, "::")) {
            compressed = true;
            p += 2;
        } else if (s.charAt(p) == ':') {
            return -1;
        }
        int end;
        while (true) {
            if ((groups > 0 || compressed) && groups <= 6 && p < n && isDigit(s.charAt(p))) {
                int v4 = ipv4Parse(s, p);
                if (v4 > 0) {
                    groups += 2;
                    end = v4;
                    break;
                }
            }
            int e = hexRunEnd(s, p);
            int len = e - p;
            if (len == 0) {
                if (compressed && p >= 2 && startsWith(s, p - 2, "::")) {
                    end = p; // ends with "::"
                    break;
                }
                return -1;
            }
            if (len > 4) {
                return -1;
            }
            groups++;
            p = e;
            if (p + 1 < n && s.charAt(p) == ':' && s.charAt(p + 1) == ':') {
                if (compressed) {
                    return -1;
                }
                compressed = true;
                p += 2;
            } else if (p + 1 < n && s.charAt(p) == ':' && isHex(s.charAt(p + 1))) {
                p++;
            } else {
                end = p;
                break;
            }
            if (groups > 8) {
                return -1;
            }
        }
        boolean valid = compressed ? groups >= 1 && groups <= 7 : groups == 8;
        if (!valid || end < n && (isAlnum(s.charAt(end)) || s.charAt(end) == ':' || dotDigit(s, end))) {
            return -1;
        }
        return end;
    }

    // ---------------------------------------------------------------- IPv4

    private static boolean ipv4MayStart(CharSequence s, int i) {
        return isDigit(s.charAt(i)) && (i == 0 || ipv4MayStartAfter(s, i));
    }

    // "10.0.0.1" may follow a letter ("server10.0.0.1") but not a digit or a dot (it would be part of a
    // longer dotted number) and not a lone version prefix ("v1.2.3.4").
    private static boolean ipv4MayStartAfter(CharSequence s, int i) {
        char p = s.charAt(i - 1);
        if (isDigit(p) || p == '.') {
            return false;
        }
        if ((p == 'v' || p == 'V') && (i < 2 || !isLetter(s.charAt(i - 2)))) {
            return false;
        }
        return true;
    }

    /** End of a dotted IPv4 at {@code p} that is not followed by more digits or ".digit"; else -1. */
    private static int ipv4At(CharSequence s, int p) {
        int end = ipv4Parse(s, p);
        if (end < 0 || end < s.length() && (isDigit(s.charAt(end)) || dotDigit(s, end))) {
            return -1;
        }
        return end;
    }

    private static int ipv4Parse(CharSequence s, int p) {
        int n = s.length();
        for (int octet = 0; octet < 4; octet++) {
            if (octet > 0) {
                if (p >= n || s.charAt(p) != '.') {
                    return -1;
                }
                p++;
            }
            int e = p;
            int v = 0;
            while (e < n && isDigit(s.charAt(e)) && e - p < 3) {
                v = v * 10 + (s.charAt(e) - '0');
                e++;
            }
            if (e == p || v > 255 || e < n && isDigit(s.charAt(e))) {
                return -1;
            }
            p = e;
        }
        return p;
    }

    // ---------------------------------------------------------------- cards, phones, grouped digits

    /**
     * Splits the text into chains of digit groups joined by short separators ({@code space - . ( )}),
     * cuts dates out of each chain, and classifies what is left.
     */
    private static void numberChains(CharSequence s, List<Match> out) {
        int n = s.length();
        Chain c = null;
        int i = 0;
        while (i < n) {
            if (!isDigit(s.charAt(i))) {
                i++;
                continue;
            }
            if (c == null) {
                c = new Chain(s);
            }
            c.size = 0;
            int p = i;
            while (true) {
                int e = p;
                while (e < n && isDigit(s.charAt(e))) {
                    e++;
                }
                int sep = separatorAt(s, e);
                c.add(p, e, sep);
                int len = sepLength(sep);
                if (len == 0 || e + len >= n || !isDigit(s.charAt(e + len))) {
                    break;
                }
                p = e + len;
            }
            classifyChain(c, out);
            i = c.en[c.size - 1];
        }
    }

    /**
     * The separator between digit groups at {@code p}, as its one or two chars packed into an int
     * (second char in the high half), or 0: " ", "-", ".", "(", ")", ") ", ")-", ")." , " (", "-(".
     */
    private static int separatorAt(CharSequence s, int p) {
        int n = s.length();
        if (p >= n) {
            return 0;
        }
        char a = s.charAt(p);
        if (a != ' ' && a != '-' && a != '.' && a != '(' && a != ')') {
            return 0;
        }
        if (p + 1 < n) {
            char b = s.charAt(p + 1);
            if (a == ')' && (b == ' ' || b == '-' || b == '.') || (a == ' ' || a == '-') && b == '(') {
                return a | b << 16;
            }
        }
        return a;
    }

    private static int sepLength(int sep) {
        return sep == 0 ? 0 : sep >>> 16 == 0 ? 1 : 2;
    }

    private static boolean hasParen(int sep) {
        int a = sep & 0xFFFF;
        int b = sep >>> 16;
        return a == '(' || a == ')' || b == '(' || b == ')';
    }

    /** A chain of digit groups: group g spans [st[g], en[g]) and is followed by separator sp[g]. Reused. */
    private static final class Chain {
        final CharSequence s;
        int[] st = new int[8];
        int[] en = new int[8];
        int[] sp = new int[8];
        int size;

        Chain(CharSequence s) {
            this.s = s;
        }

        void add(int start, int end, int sep) {
            if (size == st.length) {
                st = Arrays.copyOf(st, size * 2);
                en = Arrays.copyOf(en, size * 2);
                sp = Arrays.copyOf(sp, size * 2);
            }
            st[size] = start;
            en[size] = end;
            sp[size] = sep;
            size++;
        }

        int len(int g) {
            return en[g] - st[g];
        }

        int digits(int from, int to) {
            int d = 0;
            for (int g = from; g < to; g++) {
                d += len(g);
            }
            return d;
        }

        /** Value of group g (of its first 9 digits). */
        int value(int g) {
            int v = 0;
            for (int i = st[g]; i < en[g] && i - st[g] < 9; i++) {
                v = v * 10 + (s.charAt(i) - '0');
            }
            return v;
        }

        char lead(int g) {
            return s.charAt(st[g]);
        }
    }

    private static void classifyChain(Chain c, List<Match> out) {
        CharSequence s = c.s;
        int first = c.st[0];
        boolean international = first > 0 && s.charAt(first - 1) == '+'
                && (first < 2 || !isAlnum(s.charAt(first - 2)) && s.charAt(first - 2) != '+');
        if (international) {
            // Longest prefix of at most 15 digits: the rest of an over-long chain is classified below.
            int d = 0;
            int g = 0;
            while (g < c.size && d + c.len(g) <= MAX_PHONE_DIGITS) {
                d += c.len(g);
                g++;
            }
            if (d >= MIN_PHONE_DIGITS) {
                out.add(new Match(Kind.PHONE, first - 1, closeParen(s, c.en[g - 1])));
            }
        }
        // Cut dates out; each remaining piece is classified on its own.
        int from = 0;
        int g = 0;
        while (g < c.size) {
            int dateLen = dateAt(c, g);
            if (dateLen > 0) {
                piece(c, from, g, international, out);
                g += dateLen;
                from = g;
            } else {
                g++;
            }
        }
        piece(c, from, c.size, international, out);
    }

    /** Number of groups (1 or 3) forming a date at group g, or 0. */
    private static int dateAt(Chain c, int g) {
        if (c.len(g) == 8) {
            int v = c.value(g);
            if (isDate(v / 10000, v / 100 % 100, v % 100)) {
                return 1;
            }
        }
        if (g + 2 < c.size && c.sp[g] == c.sp[g + 1] && sepLength(c.sp[g]) == 1 && !hasParen(c.sp[g])) {
            int a = c.len(g);
            int b = c.len(g + 1);
            int d = c.len(g + 2);
            if (a == 4 && b <= 2 && d <= 2 && isDate(c.value(g), c.value(g + 1), c.value(g + 2))) {
                return 3;
            }
            if (a <= 2 && b <= 2 && d == 4
                    && (isDate(c.value(g + 2), c.value(g + 1), c.value(g)) || isDate(c.value(g + 2), c.value(g), c.value(g + 1)))) {
                return 3;
            }
        }
        return 0;
    }

    private static boolean isDate(int y, int m, int d) {
        return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
    }

    /** Classifies groups [from, to) of a chain. */
    private static void piece(Chain c, int from, int to, boolean international, List<Match> out) {
        if (from >= to) {
            return;
        }
        if (!international) {
            cards(c, from, to, out);
            // A Luhn-invalid "4111 1111 1111 1112" is an id, not a phone "4111 1111 1111" plus a digit.
            if (!cardShaped(c, from, to)) {
                groupedNumbers(c, from, to, out);
            }
        }
        // One number written in groups ("4111 1111 1111 1112", "1234-5678-9012-3456-7890"): an id even
        // when it is no card. Mixed separators mean several numbers, which the scanners above split.
        int sep = uniformSeparator(c, from, to);
        if (c.digits(from, to) >= MIN_CARD_DIGITS && (to - from == 1 || sep == ' ' || sep == '-')) {
            out.add(new Match(Kind.DIGITS, c.st[from], c.en[to - 1]));
        }
    }

    /** The separator used between all groups [from, to), or -1 when they differ or there is one group. */
    private static int uniformSeparator(Chain c, int from, int to) {
        if (to - from < 2) {
            return -1;
        }
        for (int g = from + 1; g < to - 1; g++) {
            if (c.sp[g] != c.sp[from]) {
                return -1;
            }
        }
        return c.sp[from];
    }

    /**
     * Leftmost-longest runs of groups that form a phone number, an SSN or an "ip-a-b-c-d" host. Runs,
     * not only the whole piece, so that "415-555-2671-2" (a retry counter after the number) still
     * yields the phone. A run holds at most 15 digits, so this stays linear.
     */
    private static void groupedNumbers(Chain c, int from, int to, List<Match> out) {
        int a = from;
        while (a < to) {
            Match best = null;
            int bestEnd = -1;
            boolean ipPrefix = endsWithIpDash(c.s, c.st[a]);
            boolean phoneShape = true; // every group after the first has 2+ digits
            int plain = -1;            // the one separator, parentheses aside
            int digits = 0;
            for (int b = a + 1; b <= to; b++) {
                int g = b - 1;
                digits += c.len(g);
                if (digits > MAX_PHONE_DIGITS) {
                    break;
                }
                if (g > a) {
                    int sep = c.sp[g - 1];
                    if (!hasParen(sep)) {
                        if (plain == -1) {
                            plain = sep;
                        } else if (plain != sep) {
                            break; // "3.1-70", "415-555-2671 10.1.2.3": versions or several numbers
                        }
                    }
                    if (c.len(g) < 2) {
                        phoneShape = false;
                        if (!ipPrefix) {
                            break; // "10.0.19041.1", "4-1-2": single-digit groups are versions
                        }
                    }
                }
                Match m = groupedNumber(c, a, b, digits, phoneShape, plain, ipPrefix);
                if (m != null) {
                    best = m;
                    bestEnd = b;
                }
            }
            if (best != null) {
                out.add(best);
                a = bestEnd;
            } else {
                a++;
            }
        }
    }

    private static Match groupedNumber(Chain c, int a, int b, int digits, boolean phoneShape, int plain, boolean ipPrefix) {
        int k = b - a;
        if (k == 3 && c.len(a) == 3 && c.len(a + 1) == 2 && c.len(a + 2) == 4 && plain == '-' && !hasParen(c.sp[a])
                && !hasParen(c.sp[a + 1])) {
            return new Match(Kind.DIGITS, c.st[a], c.en[b - 1]); // SSN-shaped
        }
        if (k == 4 && ipPrefix && plain == '-' && isDashedIpv4(c, a)) {
            return new Match(Kind.IPV4, c.st[a], c.en[b - 1]);
        }
        if (k < 2 || digits < MIN_PHONE_DIGITS || !phoneShape) {
            return null;
        }
        boolean phone;
        if (k == 2) {
            // Two groups only: a trunk prefix ("030 1234567"), a US local number ("555-2671") or an
            // area code before a 6+ digit number ("415 5552671"); otherwise "1920 1080" would be a phone.
            phone = plain != '.' && (c.lead(a) == '0'
                    || c.len(a) == 3 && c.len(a + 1) == 4 && c.sp[a] == '-'
                    || c.len(a) >= 2 && c.len(a) <= 5 && c.len(a + 1) >= 6 && digits >= 9);
        } else {
            // A one-digit first group is a trunk or country prefix: "1-800-555-0199", "(0)30 1234567",
            // not the "4-1" of a version.
            phone = c.len(a) >= 2 || k >= 4 || c.lead(a) == '0' || c.lead(a) == '1';
        }
        if (!phone) {
            return null;
        }
        CharSequence s = c.s;
        int start = c.st[a] > 0 && s.charAt(c.st[a] - 1) == '(' ? c.st[a] - 1 : c.st[a];
        return new Match(Kind.PHONE, start, closeParen(s, c.en[b - 1]));
    }

    // "ip-10-0-1-23": cloud host names that spell out a private IPv4 with dashes.
    private static boolean endsWithIpDash(CharSequence s, int p) {
        return p >= 3 && s.charAt(p - 1) == '-' && (s.charAt(p - 2) | 0x20) == 'p' && (s.charAt(p - 3) | 0x20) == 'i';
    }

    private static boolean isDashedIpv4(Chain c, int a) {
        for (int g = a; g < a + 4; g++) {
            if (c.len(g) > 3 || c.value(g) > 255) {
                return false;
            }
        }
        return true;
    }

    private static int closeParen(CharSequence s, int end) {
        return end < s.length() && s.charAt(end) == ')' ? end + 1 : end;
    }

    /** 13-19 digits led by 2-6 in card layout: groups of 4 (the last 1-4) or 4-6-5 / 4-6-4, one separator. */
    private static boolean cardShaped(Chain c, int from, int to) {
        int k = to - from;
        int digits = c.digits(from, to);
        char lead = c.lead(from);
        int sep = uniformSeparator(c, from, to);
        if (k < 2 || digits < MIN_CARD_DIGITS || digits > MAX_CARD_DIGITS || lead < '2' || lead > '6'
                || sep != ' ' && sep != '-') {
            return false;
        }
        boolean fours = c.len(to - 1) <= 4;
        for (int g = from; g < to - 1; g++) {
            fours &= c.len(g) == 4;
        }
        boolean amex = k == 3 && c.len(from) == 4 && c.len(from + 1) == 6 && c.len(from + 2) >= 4;
        return fours || amex;
    }

    /** Luhn-valid runs of 13-19 digits led by 2-6, over groups joined by single spaces or dashes. */
    private static void cards(Chain c, int from, int to, List<Match> out) {
        int g = from;
        while (g < to) {
            int found = -1;
            char lead = c.lead(g);
            if (lead >= '2' && lead <= '6') {
                int d = 0;
                for (int e = g; e < to; e++) {
                    d += c.len(e);
                    if (d > MAX_CARD_DIGITS) {
                        break;
                    }
                    if (d >= MIN_CARD_DIGITS && luhn(c, g, e + 1)) {
                        found = e;
                    }
                    if (e + 1 < to && c.sp[e] != ' ' && c.sp[e] != '-') {
                        break;
                    }
                }
            }
            if (found >= 0) {
                out.add(new Match(Kind.CARD, c.st[g], c.en[found]));
                g = found + 1;
            } else {
                g++;
            }
        }
    }

    private static boolean luhn(Chain c, int from, int to) {
        int sum = 0;
        boolean twice = false;
        for (int g = to - 1; g >= from; g--) {
            for (int i = c.en[g] - 1; i >= c.st[g]; i--) {
                int d = c.s.charAt(i) - '0';
                if (twice) {
                    d *= 2;
                    if (d > 9) {
                        d -= 9;
                    }
                }
                sum += d;
                twice = !twice;
            }
        }
        return sum % 10 == 0;
    }

    // ---------------------------------------------------------------- long digit runs

    private static void digitRuns(CharSequence s, List<Match> out) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!isDigit(s.charAt(i))) {
                i++;
                continue;
            }
            int e = i;
            while (e < n && isDigit(s.charAt(e))) {
                e++;
            }
            if (e - i >= LONG_DIGITS) {
                out.add(new Match(Kind.DIGITS, i, e));
            }
            i = e;
        }
    }

    // ---------------------------------------------------------------- resolution

    /**
     * Overlapping candidates are merged (union of the spans, highest-priority kind) rather than one of
     * them dropped, so no part of a finding stays visible. A sort and one sweep: O(m log m).
     */
    private static List<Match> resolve(List<Match> candidates) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        candidates.sort((x, y) -> Integer.compare(x.start(), y.start()));
        List<Match> kept = new ArrayList<>(candidates.size());
        Match cur = candidates.get(0);
        for (int i = 1; i < candidates.size(); i++) {
            Match m = candidates.get(i);
            if (m.start() < cur.end()) {
                Kind kind = m.kind().ordinal() < cur.kind().ordinal() ? m.kind() : cur.kind();
                cur = new Match(kind, cur.start(), Math.max(cur.end(), m.end()));
            } else {
                kept.add(cur);
                cur = m;
            }
        }
        kept.add(cur);
        return Collections.unmodifiableList(kept);
    }

    // ---------------------------------------------------------------- characters

    private static boolean startsWith(CharSequence s, int p, String prefix) {
        if (p + prefix.length() > s.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (s.charAt(p + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean dotDigit(CharSequence s, int p) {
        return p + 1 < s.length() && s.charAt(p) == '.' && isDigit(s.charAt(p + 1));
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isAlnum(char c) {
        return isDigit(c) || isLetter(c);
    }

    private static boolean isHex(char c) {
        return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}

package dev.vitals.labels;

import static dev.vitals.labels.PiiDetector.isAlnum;
import static dev.vitals.labels.PiiDetector.isDigit;

import dev.vitals.labels.PiiDetector.Kind;
import dev.vitals.labels.PiiDetector.Match;
import java.util.Arrays;
import java.util.List;

/**
 * {@link PiiDetector}'s scanner of digit groups: cards, phone numbers, SSN-shaped and grouped long numbers,
 * with dates cut out. A chain is a run of digit groups joined by short separators ({@code space - . ( )});
 * one pass over the text, linear in its length.
 */
final class NumberChains {
    private static final int MIN_PHONE_DIGITS = 7;
    private static final int MAX_PHONE_DIGITS = 15;
    private static final int MIN_CARD_DIGITS = 13;
    private static final int MAX_CARD_DIGITS = 19;

    private NumberChains() {
    }


    /**
     * Splits the text into chains of digit groups joined by short separators ({@code space - . ( )}),
     * cuts dates out of each chain, and classifies what is left.
     */
    static void scan(CharSequence s, List<Match> out) {
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
}

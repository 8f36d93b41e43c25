package dev.vitals.quality;

import java.util.Comparator;
import java.util.List;

/** Label ordering and message helpers. */
public final class Labels {
    /**
     * The order of labels in reports: code point order, the order numpy's {@code np.unique} gives a
     * {@code str} array and so the order of sklearn's confusion matrix. {@link String#compareTo}
     * compares UTF-16 units instead, which puts U+10000 and above before U+E000..U+FFFF.
     */
    public static final Comparator<String> ORDER = Labels::compareCodePoints;

    private Labels() {
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** "the task's labels are [a, b]" for up to 10 labels, else "the task has N labels". */
    static String describe(List<String> labels) {
        return labels.size() <= 10 ? "the task's labels are " + labels : "the task has " + labels.size() + " labels";
    }
}

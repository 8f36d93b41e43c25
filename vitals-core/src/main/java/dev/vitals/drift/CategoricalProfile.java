package dev.vitals.drift;

import dev.vitals.internal.Args;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.common.SketchesArgumentException;
import org.apache.datasketches.cpc.CpcSketch;
import org.apache.datasketches.cpc.CpcUnion;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hash.MurmurHash3;
import org.apache.datasketches.memory.Memory;

/**
 * The profile of a categorical feature: a frequent-items sketch (value counts), a CPC distinct-count sketch, and
 * exact count and nulls.
 *
 * <p>Accuracy: the frequent-items sketch (map size 1,024) keeps every value with its exact count while a window
 * has at most 768 distinct values; past that it keeps the most frequent ones, each count within
 * {@code 3.5 / 1024 × count} (0.34%) of the truth. The distinct count (CPC, {@code lgK = 11}) has a relative
 * standard error of about 1.5% ({@code 0.693 / √2048}); {@link CategoricalSummary} gives 99.7% bounds.
 *
 * <p>Size: values longer than 64 UTF-8 bytes are stored as their first 47 bytes (whole characters), {@code #}
 * and a 64-bit hash of the whole value in hex, so distinct values stay distinct and a feature serializes to at
 * most about 61 KB (768 × 76 bytes for the values, 1.3 KB for CPC) whatever the volume.
 *
 * <p>Thread-safe: every method holds this profile's monitor; {@link #merge} copies the other profile under its
 * monitor first and never holds both.
 */
public final class CategoricalProfile extends AbstractProfile implements FeatureProfile {
    static final int MAP_SIZE = 1024;
    /** Distinct values the frequent-items map tracks exactly: 3/4 of its size. */
    static final int EXACT_CAPACITY = MAP_SIZE * 3 / 4;
    static final int LG_K = 11;
    static final int MAX_VALUE_BYTES = 64;
    private static final int PREFIX_BYTES = 47;
    private static final long EMPTY_STRING_KEY = 0x5EED_E4F7_0000_0001L;
    private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

    private final ItemsSketch<String> items;
    private CpcSketch distinct;

    CategoricalProfile() {
        this(new ItemsSketch<>(MAP_SIZE), new CpcSketch(LG_K));
    }

    private CategoricalProfile(ItemsSketch<String> items, CpcSketch distinct) {
        this.items = items;
        this.distinct = distinct;
    }

    @Override
    public FeatureType type() {
        return FeatureType.CATEGORICAL;
    }

    /** Adds a value; {@code null} counts as a null, the empty string is a value. */
    public synchronized void update(String value) {
        if (value == null) {
            nulls++;
            return;
        }
        count++;
        items.update(key(value));
        if (value.isEmpty()) {
            distinct.update(EMPTY_STRING_KEY); // CPC ignores empty strings
        } else {
            distinct.update(value);
        }
    }

    /** Adds {@code other}'s values to this profile, as if both streams had gone into it. */
    public void merge(CategoricalProfile other) {
        CategoricalProfile o = other.copy();
        synchronized (this) {
            items.merge(o.items);
            CpcUnion union = new CpcUnion(LG_K);
            union.update(distinct);
            union.update(o.distinct);
            distinct = union.getResult();
            count += o.count;
            nulls += o.nulls;
        }
    }

    /** Count, nulls, distinct estimate with 99.7% bounds, and whether value counts are exact. */
    public synchronized CategoricalSummary summary() {
        return new CategoricalSummary(count, nulls, distinct.getEstimate(), distinct.getLowerBound(3),
                distinct.getUpperBound(3), exactCounts());
    }

    /**
     * Up to {@code limit} most frequent values with their estimated counts, most frequent first. Exact while
     * {@link CategoricalSummary#exactCounts()}; values longer than 64 bytes appear in their stored (hashed) form.
     */
    public synchronized Map<String, Long> topValues(int limit) {
        Args.atLeast(limit, 1, "limit");
        Map<String, Long> out = new LinkedHashMap<>();
        if (items.isEmpty()) {
            return out;
        }
        for (ItemsSketch.Row<String> row : items.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)) {
            if (out.size() == limit) {
                break;
            }
            out.put(row.getItem(), row.getEstimate());
        }
        return out;
    }

    // --- package-private views for the detector (call on a copy) ---

    synchronized CategoricalProfile copy() {
        CategoricalProfile c = new CategoricalProfile(heapifyItems(items.toByteArray(SERDE)),
                heapifyCpc(distinct.toByteArray()));
        c.count = count;
        c.nulls = nulls;
        return c;
    }

    /** True while no value was ever dropped from the frequent-items map: all counts exact. */
    boolean exactCounts() {
        return items.getMaximumError() == 0;
    }

    /** Tracked values with their guaranteed (lower-bound) counts; exact when {@link #exactCounts()}. */
    Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        if (!items.isEmpty()) {
            for (ItemsSketch.Row<String> row : items.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)) {
                out.put(row.getItem(), row.getLowerBound());
            }
        }
        return out;
    }

    /**
     * The form a value is counted under: itself up to 64 UTF-8 bytes, else its first 47 bytes (whole code
     * points), {@code #} and 16 hex digits of a 64-bit MurmurHash3 of all of it.
     */
    static String key(String value) {
        if (value.length() <= MAX_VALUE_BYTES / 3) {
            return value; // at most 3 UTF-8 bytes per char
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_VALUE_BYTES) {
            return value;
        }
        int end = 0;
        int bytes = 0;
        while (end < value.length()) {
            int cp = value.codePointAt(end);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > PREFIX_BYTES) {
                break;
            }
            bytes += len;
            end += Character.charCount(cp);
        }
        long hash = MurmurHash3.hash(utf8, 0x7A11_5EEDL)[0];
        return value.substring(0, end) + "#" + String.format("%016x", hash);
    }

    // --- serialization (framed by DatasetProfile) ---

    synchronized void write(DataOutputStream out) throws IOException {
        out.writeLong(count);
        out.writeLong(nulls);
        writeBlock(out, items.toByteArray(SERDE));
        writeBlock(out, distinct.toByteArray());
    }

    static CategoricalProfile read(DataInputStream in, String feature) throws IOException {
        long count = in.readLong();
        long nulls = in.readLong();
        if (count < 0 || nulls < 0) {
            throw corrupt(feature, "bad counts");
        }
        byte[] fi = readBlock(in, feature);
        byte[] cpc = readBlock(in, feature);
        CategoricalProfile p = new CategoricalProfile(heapifyItems(fi), heapifyCpc(cpc));
        if (p.items.getStreamLength() != count) {
            throw corrupt(feature, "sketch holds " + p.items.getStreamLength()
                    + " values, count says " + count);
        }
        p.count = count;
        p.nulls = nulls;
        return p;
    }

    private static ItemsSketch<String> heapifyItems(byte[] bytes) {
        try {
            return ItemsSketch.getInstance(Memory.wrap(bytes), SERDE);
        } catch (SketchesArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("corrupt frequent-items sketch: " + e.getMessage(), e);
        }
    }

    private static CpcSketch heapifyCpc(byte[] bytes) {
        try {
            return CpcSketch.heapify(bytes);
        } catch (SketchesArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("corrupt CPC sketch: " + e.getMessage(), e);
        }
    }
}

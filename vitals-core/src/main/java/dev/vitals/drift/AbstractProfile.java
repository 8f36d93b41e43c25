package dev.vitals.drift;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What every feature profile shares: its counts of non-null values and of nulls, under the profile's own
 * monitor, and the length-prefixed sketch blocks of its serialized form. {@code count} is the profile's to
 * raise with each value.
 */
abstract class AbstractProfile {
    /** Longest sketch block read back: a profile's sketches are bounded far below it. */
    private static final int MAX_BLOCK = 1 << 20;

    long count;
    long nulls;

    /** Non-null values seen (for numeric features, finite ones). */
    public synchronized long count() {
        return count;
    }

    /** Nulls seen (for numeric features, NaN and ±infinity too). */
    public synchronized long nulls() {
        return nulls;
    }

    /** Adds a null. */
    public synchronized void updateNull() {
        nulls++;
    }

    static void writeBlock(DataOutputStream out, byte[] block) throws IOException {
        out.writeInt(block.length);
        out.write(block);
    }

    static byte[] readBlock(DataInputStream in, String feature) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_BLOCK) {
            throw corrupt(feature, "bad sketch length " + len);
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }

    static IllegalArgumentException corrupt(String feature, String why) {
        return new IllegalArgumentException("corrupt dataset profile: feature \"" + feature + "\": " + why);
    }
}

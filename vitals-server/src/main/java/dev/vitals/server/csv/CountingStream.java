package dev.vitals.server.csv;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read from a file and reports them to a progress bar (CSV and JSONL inputs). */
public final class CountingStream extends FilterInputStream {
    private final Progress.File progress;
    private long count;

    public CountingStream(InputStream in, Progress.File progress) {
        super(in);
        this.progress = progress;
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            progress.update(++count);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
            progress.update(count);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        count += s;
        progress.update(count);
        return s;
    }
}

package dev.vitals.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/** A JVM for {@link ProcessStatsTest}: on each line "N" read from stdin it allocates N MB in 1 KB arrays, then prints "done". */
public final class AllocateOnRequest {
    static volatile Object sink;

    private AllocateOnRequest() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("ready");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            int mb = Integer.parseInt(line.trim());
            for (int i = 0; i < mb * 1024; i++) {
                sink = new byte[1024 - 16]; // 1 KB with the array header
            }
            System.out.println("done");
        }
    }
}

package dev.vitals.server.gateway;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.Random;

/**
 * Tests' way to relay a chat stream's bytes as the gateway's upstream stream reads them (the same parser, scanner
 * and chunk events, in reads of random sizes) into a call's capture, without a server.
 */
public final class RelayedStreams {
    private RelayedStreams() {
    }

    /**
     * Captures {@code sse} into {@code call} as the relay would.
     *
     * @return false when the gateway would fail the stream (a chunk that is not a well-formed chunk, or an error
     *         event): such a call is not evaluated
     */
    public static boolean capture(byte[] sse, Call call, Random reads) {
        ChunkScanner.Incremental scanner = new ChunkScanner.Incremental();
        scanner.collectText(call.capturing());
        boolean[] state = {true, false}; // ok, ended
        SseParser[] parser = new SseParser[1];
        parser[0] = new SseParser(1 << 24, (raw, rawOff, rawLen, data, off, len) -> {
            if (!state[0] || state[1]) {
                return;
            }
            if (OpenAiBackend.isDone(data, off, len)) {
                state[1] = true;
                return;
            }
            ChunkScanner.Result r = scanner.scan(data, off, len);
            if (!r.json || r.bad != null || r.error != null) {
                state[0] = false;
                return;
            }
            call.captureEvent(OpenAiBackend.chunk(r, raw, rawOff, rawLen, parser[0].plain()));
        });
        for (int i = 0; i < sse.length && state[0] && !state[1]; ) {
            int n = 1 + reads.nextInt(Math.max(1, Math.min(sse.length - i, reads.nextBoolean() ? 8 : 4096)));
            n = Math.min(n, sse.length - i);
            parser[0].feed(Buffer.buffer(Arrays.copyOfRange(sse, i, i + n)));
            i += n;
        }
        scanner.close();
        return state[0];
    }
}

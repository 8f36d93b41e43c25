package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Header-read and idle timeouts, the connection cap and JSON bodies for the HTTP codec's own errors, on raw sockets. */
class HttpHardeningTest {

    private static Socket connect(ServerFixture f) throws IOException {
        Socket s = new Socket("127.0.0.1", f.server.port());
        s.setSoTimeout(20);
        return s;
    }

    /** True once the server closed the socket (read gives end of stream or a reset). */
    private static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String exchange(ServerFixture f, String raw) throws IOException {
        try (Socket s = connect(f)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // a reset after the response: what was read counts
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void slowHeaderConnectionsAreClosedWithinTheTimeoutWhileOthersAreServed() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> cfg.server.headerTimeoutSeconds = 2)) {
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Socket s = connect(f);
                s.setSoTimeout(1); // many sockets polled per round
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            long start = System.nanoTime();
            List<Socket> open = new ArrayList<>(slow);
            int served = 0;
            while (!open.isEmpty() && System.nanoTime() - start < 10_000_000_000L) {
                for (Socket s : open) {
                    try {
                        OutputStream o = s.getOutputStream();
                        o.write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII)); // one header line at a time
                        o.flush();
                    } catch (IOException e) {
                        // closed by the server
                    }
                }
                HttpResponse<String> ok = f.get("/health");
                assertThat(ok.statusCode()).isEqualTo(200);
                served++;
                open.removeIf(HttpHardeningTest::closedByServer);
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(open).as("slow-header connections still open after %.1f s", seconds).isEmpty();
            // 2 s timeout, checked every second: closed by 3 s plus scheduling slack on a loaded machine
            assertThat(seconds).isLessThan(5.0);
            assertThat(served).as("health checks answered 200 while the slow clients were connected").isGreaterThanOrEqualTo(3);
            for (Socket s : slow) {
                s.close();
            }
            assertThat(f.metrics().get("vitals_http_connections_closed_total")).isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void idleKeepAliveConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> cfg.server.idleTimeoutSeconds = 2)) {
            try (Socket s = connect(f)) {
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                long start = System.nanoTime();
                boolean closed = false;
                while (!closed && System.nanoTime() - start < 8_000_000_000L) {
                    closed = closedByServer(s);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                assertThat(closed).isTrue();
                assertThat(seconds).isBetween(1.5, 5.0);
            }
        }
    }

    @Test
    void connectionsOverTheCapAreClosedAtOnce() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> cfg.server.maxConnections = 5)) {
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                held.add(connect(f));
            }
            Thread.sleep(300);
            try (Socket extra = connect(f)) {
                long start = System.nanoTime();
                boolean closed = false;
                while (!closed && System.nanoTime() - start < 3_000_000_000L) {
                    closed = closedByServer(extra);
                }
                assertThat(closed).isTrue();
            }
            for (Socket s : held) {
                assertThat(closedByServer(s)).isFalse();
                s.close();
            }
        }
    }

    @Test
    void theHttpCodecsOwnErrorsCarryTheJsonBody() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> { })) {
            String big = exchange(f, "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
            assertThat(big).startsWith("HTTP/1.1 431");
            assertThat(new JsonObject(big.substring(big.indexOf("\r\n\r\n") + 4)).getJsonObject("error").getString("code"))
                    .isEqualTo("headers_too_large");

            String bad = exchange(f, "THIS IS NOT HTTP\r\n\r\n");
            assertThat(bad).matches("(?s)HTTP/1\\.[01] 400 .*");
            assertThat(new JsonObject(bad.substring(bad.indexOf("\r\n\r\n") + 4)).getString("status")).isEqualTo("error");

            String longLine = exchange(f, "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(longLine).matches("(?s)HTTP/1\\.[01] 414 .*");
            assertThat(longLine).contains("\"uri_too_long\"");
        }
    }
}

package dev.vitals.server.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Vitals server in a child JVM ({@code VitalsCli serve}), on the test's class path, killed for real:
 * {@link #kill()} sends SIGKILL (no shutdown hook, no flush), as the OOM killer or {@code kill -9} would.
 */
final class ChildServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Vitals listening on [^:]+:(\\d+)");
    private final Process process;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final ArrayDeque<String> tail = new ArrayDeque<>();

    private ChildServer(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 200) {
                            tail.removeFirst();
                        }
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            port.completeExceptionally(new IllegalStateException("the server exited before listening:\n" + tail()));
        }, "child-server-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code serve --config config} with {@code env} added, and waits until it listens. */
    static ChildServer start(Path config, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.vitals.server.cli.VitalsCli", "serve", "--config", config.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        ChildServer s = new ChildServer(pb.start());
        try {
            s.port.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            s.kill();
            throw new IllegalStateException("server did not start: " + e.getMessage() + "\n" + s.tail(), e);
        }
        return s;
    }

    int port() {
        return port.join();
    }

    String tail() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, a clean shutdown. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}

package dev.vitals.server.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL cluster for tests: {@code initdb} into a temp directory, {@code pg_ctl start} on
 * a free loopback port (its Unix socket in that directory too), one database per {@link #createDatabase}
 * call, and {@code pg_ctl stop -m immediate} plus deletion in {@link #close}.
 *
 * <p>The binaries come from Debian's {@code postgresql} package ({@code /usr/lib/postgresql/<ver>/bin},
 * highest version) or from {@code $VITALS_PG_BIN}. PostgreSQL refuses to run as root, so when the tests
 * run as root (containers, CI) the directory is handed to the {@code postgres} OS user (which the package
 * creates) and the binaries are run through {@code runuser -u postgres --}. The cluster trusts local
 * connections and runs with {@code fsync=off}: test data only.
 *
 * <p>Without binaries: with {@code CI=true} the test fails (CI must install {@code postgresql}), otherwise
 * it is skipped with a message saying what to install.
 *
 * <p>vitals-server's tests use it too, through vitals-core's test jar.
 */
public final class PgCluster implements AutoCloseable {
    private final Path bin;
    private final Path base;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;
    private int databases;

    private PgCluster(Path bin, Path base, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.base = base;
        this.data = base.resolve("data");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Finds the binaries (skipping or failing the test without them, see the class comment) and starts a cluster. */
    public static PgCluster start() throws Exception {
        Path bin = findBin();
        if (bin == null) {
            String msg = "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or $VITALS_PG_BIN; "
                    + "install them: apt-get install -y postgresql";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(msg + " (CI=true: this test must not be skipped)");
            }
            Assumptions.abort(msg);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path base = Files.createTempDirectory(Path.of("/tmp"), "vitals-pg");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PgCluster c = new PgCluster(bin, base, port, root);
        try {
            if (root) {
                run(List.of("chown", "postgres:postgres", base.toString()), 10);
            }
            c.pg(60, "initdb", "-D", c.data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync");
            c.pg(60, "pg_ctl", "-D", c.data.toString(), "-l", base.resolve("log").toString(), "-w", "-t", "30", "-o",
                    "-p " + port + " -k " + base + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                            + "-c full_page_writes=off -c max_connections=200", "start");
        } catch (Exception e) {
            String log = Files.exists(base.resolve("log")) ? Files.readString(base.resolve("log")) : "";
            c.close();
            throw new IllegalStateException("cannot start PostgreSQL: " + e.getMessage() + "\n" + log, e);
        }
        return c;
    }

    private static Path findBin() throws IOException {
        String env = System.getenv("VITALS_PG_BIN");
        if (env != null && Files.isExecutable(Path.of(env, "initdb"))) {
            return Path.of(env);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.resolve("bin"))
                    .filter(p -> Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(p -> {
                        try {
                            return Integer.parseInt(p.getParent().getFileName().toString());
                        } catch (NumberFormatException e) {
                            return 0;
                        }
                    })).orElse(null);
        }
    }

    private void pg(int timeoutSeconds, String tool, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.add(bin.resolve(tool).toString());
        cmd.addAll(List.of(args));
        run(cmd, timeoutSeconds);
    }

    private static void run(List<String> cmd, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // pg_ctl start leaves the server running with our stdout: read until the tool itself exits
        byte[] out = p.getInputStream().readNBytes(64 * 1024);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + new String(out));
        }
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of a database in this cluster. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates a new empty database and returns its JDBC URL (user {@code postgres}, no password). */
    public synchronized String createDatabase() throws SQLException {
        String name = "vitals_" + (++databases);
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                pg(30, "pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
            }
        } catch (Exception e) {
            // still delete what we can
        }
        try (Stream<Path> s = Files.walk(base)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp dir
        }
    }
}

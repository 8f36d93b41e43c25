package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The READMEs are executable: every {@code sh} block of {@code README.md} and then of
 * {@code deploy/README.md} runs, in order, in bash with {@code set -e -o pipefail}, against a server
 * started as the quick start says (defaults plus {@code VITALS_ADMIN_TOKEN}), and must succeed.
 *
 * <p>The rules, also stated in the README:
 * <ul>
 *   <li>{@code 127.0.0.1:5000} and {@code localhost:5000} become the test server's address (it listens
 *       on a free port, never a fixed one);</li>
 *   <li>{@code req_...} becomes the last {@code x-request-id} an earlier block printed;</li>
 *   <li>{@code $VITALS_ADMIN_TOKEN} is set to the server's admin token;</li>
 *   <li>{@code ./vitals} runs the CLI of this build, in a scratch directory holding copies of
 *       {@code examples/} and {@code deploy/} (so nothing in the repository is rewritten);</li>
 *   <li>curl fails on any HTTP error (exit 22); a command ending in {@code # expect HTTP NNN} must
 *       answer exactly that status instead;</li>
 *   <li>a block whose first line is {@code # not run by ReadmeTest: <reason>} is skipped: servers that
 *       keep running, the build itself, a real provider's key. A block calling {@code promtool} needs
 *       it: without it the block fails in CI ({@code CI=true}) and is skipped elsewhere.</li>
 * </ul>
 * A failure names the file, the block, the failing line and its output.
 */
class ReadmeTest {
    static final String SKIP = "# not run by ReadmeTest:";
    private static final Pattern EXPECT = Pattern.compile("^(.*?)\\s+#\\s*expect HTTP (\\d{3})\\s*$");
    private static final Pattern REQUEST_ID = Pattern.compile("(?im)^x-request-id:\\s*(\\S+)");
    private static final String ADMIN = "readme-admin-token-0123456789";

    /** One fenced {@code sh} block: where it starts (1-based line of its first command line) and its lines. */
    record Block(String file, int number, int firstLine, List<String> lines) {
        String where() {
            return file + " block " + number + " (line " + firstLine + ")";
        }
    }

    static List<Block> blocks(Path file, String name) throws IOException {
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Block> out = new ArrayList<>();
        List<String> cur = null;
        int start = 0;
        for (int i = 0; i < all.size(); i++) {
            String l = all.get(i);
            if (cur == null && (l.trim().equals("```sh") || l.trim().equals("```bash") || l.trim().equals("```shell"))) {
                cur = new ArrayList<>();
                start = i + 2;
            } else if (cur != null && l.trim().equals("```")) {
                out.add(new Block(name, out.size() + 1, start, cur));
                cur = null;
            } else if (cur != null) {
                cur.add(l);
            }
        }
        assertThat(cur).as(name + ": a block opened at line " + (start - 1) + " is never closed").isNull();
        return out;
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void everyShellBlockOfTheReadmesRunsAsWritten() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Block> blocks = new ArrayList<>(blocks(root.resolve("README.md"), "README.md"));
        blocks.addAll(blocks(root.resolve("deploy/README.md"), "deploy/README.md"));
        assertThat(blocks).hasSizeGreaterThan(5);
        Path scratch = Files.createTempDirectory("vitals-readme");
        copyTree(root.resolve("examples"), scratch.resolve("examples"));
        copyTree(root.resolve("deploy"), scratch.resolve("deploy"));
        Path launcher = scratch.resolve("vitals");
        Files.writeString(launcher, "#!/usr/bin/env bash\nexec java -cp '" + System.getProperty("java.class.path")
                + "' dev.vitals.server.cli.VitalsCli \"$@\"\n");
        launcher.toFile().setExecutable(true);
        boolean promtool = Promtools.find("promtool").isPresent();

        List<String> ran = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try (ServerFixture f = ServerFixture.start(cfg -> { }, Map.of("VITALS_ADMIN_TOKEN", ADMIN))) {
            String address = "127.0.0.1:" + f.server.port();
            String requestId = null;
            for (Block b : blocks) {
                if (!b.lines().isEmpty() && b.lines().get(0).trim().startsWith(SKIP)) {
                    skipped.add(b.where() + ": " + b.lines().get(0).trim().substring(SKIP.length()).trim());
                    continue;
                }
                if (String.join("\n", b.lines()).contains("promtool") && !promtool) {
                    if (Promtools.inCi()) {
                        fail(b.where() + " needs promtool, which is not installed; CI=true: it must run");
                    }
                    skipped.add(b.where() + ": promtool is not installed (CI=true would fail)");
                    continue;
                }
                String script = script(b, address, requestId);
                Path log = Files.createTempFile(scratch, "block", ".log");
                ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(scratch.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pb.environment().put("VITALS_ADMIN_TOKEN", ADMIN);
                Process p = pb.start();
                if (!p.waitFor(240, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail(b.where() + " did not finish within 240 s; output:\n" + tail(Files.readString(log)));
                }
                String out = Files.readString(log, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    Matcher m = Pattern.compile("@@FAILED (\\d+)").matcher(out);
                    int line = m.find() ? Integer.parseInt(m.group(1)) : b.firstLine();
                    String text = line - b.firstLine() >= 0 && line - b.firstLine() < b.lines().size()
                            ? b.lines().get(line - b.firstLine()).trim() : "?";
                    fail(b.file() + " block " + b.number() + ", line " + line + " failed (exit " + p.exitValue() + "): " + text
                            + "\n--- output ---\n" + tail(out));
                }
                Matcher id = REQUEST_ID.matcher(out);
                while (id.find()) {
                    requestId = id.group(1).trim();
                }
                ran.add(b.where());
            }
        }
        System.out.println("ReadmeTest ran " + ran.size() + " blocks; skipped " + skipped.size() + ":\n  " + String.join("\n  ", skipped));
        assertThat(ran).as("blocks run").hasSizeGreaterThan(5);
    }

    /**
     * The block as a bash script: placeholders substituted, each logical command (continuation lines
     * joined) preceded by its README line number so that a failure can name it.
     */
    static String script(Block b, String address, String requestId) {
        StringBuilder s = new StringBuilder("set -eo pipefail\n")
                .append("curl() { command curl --silent --show-error --fail-with-body \"$@\"; }\n")
                .append("trap 'echo \"@@FAILED $VITALS_LINE\" >&2' ERR\n");
        List<String> lines = b.lines();
        for (int i = 0; i < lines.size(); i++) {
            int number = b.firstLine() + i;
            StringBuilder cmd = new StringBuilder(lines.get(i));
            while (i + 1 < lines.size()) {
                if (cmd.toString().endsWith("\\")) {
                    cmd.setLength(cmd.length() - 1);
                    cmd.append(' ').append(lines.get(++i).trim());
                } else if (openQuote(cmd)) {
                    cmd.append('\n').append(lines.get(++i)); // a quoted argument that spans lines
                } else {
                    break;
                }
            }
            String c = cmd.toString().replace("127.0.0.1:5000", address).replace("localhost:5000", address);
            if (c.contains("req_...")) {
                if (requestId == null) {
                    fail(b.where() + ", line " + number + " uses req_... but no earlier block printed an x-request-id (curl -i)");
                }
                c = c.replace("req_...", requestId);
            }
            if (c.isBlank() || c.trim().startsWith("#")) {
                continue;
            }
            Matcher m = EXPECT.matcher(c);
            if (m.matches()) {
                String command = m.group(1).trim();
                assertThat(command).as(b.where() + ", line " + number + ": '# expect HTTP' is for curl commands").startsWith("curl ");
                c = "test \"$(command curl --silent --show-error -o /dev/null -w '%{http_code}' " + command.substring(5) + ")\" = " + m.group(2);
            }
            s.append("VITALS_LINE=").append(number).append('\n').append(c).append('\n');
        }
        return s.toString();
    }

    /** Whether a single- or double-quoted string is still open at the end of {@code cmd} (bash quoting, simplified). */
    static boolean openQuote(CharSequence cmd) {
        char open = 0;
        for (int k = 0; k < cmd.length(); k++) {
            char ch = cmd.charAt(k);
            if (open == 0) {
                if (ch == '\\') {
                    k++;
                } else if (ch == '#' && (k == 0 || Character.isWhitespace(cmd.charAt(k - 1)))) {
                    return false; // a comment: quotes in it do not count
                } else if (ch == '\'' || ch == '"') {
                    open = ch;
                }
            } else if (ch == open) {
                open = 0;
            } else if (open == '"' && ch == '\\') {
                k++;
            }
        }
        return open != 0;
    }

    private static String tail(String out) {
        return out.length() <= 4000 ? out : "..." + out.substring(out.length() - 4000);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}

package dev.vitals.server.cli.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vitals drift --html}: one self-contained, escaped page with a chart per column. */
class DriftHtmlReportTest {
    private static final String HOSTILE = "<script>alert(1)</script>";
    private static final String HOSTILE_VALUE = "<img src=x onerror=alert(2)>";

    @TempDir
    Path tmp;

    private Path[] files() throws Exception {
        Random rnd = new Random(5);
        StringBuilder ref = new StringBuilder("latency_ms,\"" + HOSTILE + "\",model,few\n");
        StringBuilder cur = new StringBuilder("latency_ms;\"" + HOSTILE + "\";model;few\n");
        String[] models = {"gpt-4o", "gpt-4o-mini", HOSTILE_VALUE, "a \"quoted\" & 'odd' value"};
        for (int i = 0; i < 1500; i++) {
            ref.append(String.format(java.util.Locale.ROOT, "%.3f,%d,\"%s\",%d%n", 200 + 30 * rnd.nextGaussian(),
                    rnd.nextInt(100), models[rnd.nextInt(3)].replace("\"", "\"\""), rnd.nextInt(3)));
        }
        for (int i = 0; i < 1300; i++) {
            cur.append(String.format(java.util.Locale.ROOT, "%.3f;%d;\"%s\";%d%n", 260 + 40 * rnd.nextGaussian(),
                    rnd.nextInt(100), models[rnd.nextInt(4)].replace("\"", "\"\""), rnd.nextInt(3)));
        }
        for (int i = 0; i < 40; i++) { // many rare values: the top 20 plus an "other" row
            cur.append(String.format(java.util.Locale.ROOT, "1;1;\"rare-%02d\";1%n", i));
        }
        Path r = tmp.resolve("ref & <old>.csv");
        Path c = tmp.resolve("cur.csv");
        Files.writeString(r, ref, StandardCharsets.UTF_8);
        Files.writeString(c, cur, StandardCharsets.UTF_8);
        return new Path[] {r, c};
    }

    private String render() throws Exception {
        Path[] f = files();
        Path html = tmp.resolve("out/report.html");
        DriftCommandTest.Run r = DriftCommandTest.drift(f[0].toString(), f[1].toString(), "--html", html.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + html);
        return Files.readString(html, StandardCharsets.UTF_8);
    }

    @Test
    void selfContainedNoScriptNoExternalReference() throws Exception {
        String html = render();
        assertThat(html).startsWith("<!DOCTYPE html>");
        assertThat(html.toLowerCase()).doesNotContain("<script").doesNotContain("<img").doesNotContain("<link")
                .doesNotContain("<iframe").doesNotContain("@import").doesNotContain("url(")
                .doesNotContain("http://").doesNotContain("https://");
        assertThat(Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:|//)").matcher(html).find()).isFalse();
        assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                + "style-src 'unsafe-inline'\">");
        assertThat(html).contains("<style>");
    }

    @Test
    void escapesColumnNamesValuesAndFileNames() throws Exception {
        String html = render();
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(HOSTILE);
        assertThat(html).contains("&lt;img src=x onerror=alert(2)&gt;").doesNotContain(HOSTILE_VALUE);
        assertThat(html).contains("a &quot;quoted&quot; &amp; &#39;odd&#39; value");
        assertThat(html).contains("ref &amp; &lt;old&gt;.csv");
    }

    @Test
    void oneAccessibleWellFormedSvgPerColumnDriftedFirst() throws Exception {
        String html = render();
        Matcher m = Pattern.compile("(?s)<svg .*?</svg>").matcher(html);
        List<String> svgs = new ArrayList<>();
        while (m.find()) {
            svgs.add(m.group());
        }
        assertThat(svgs).hasSize(4);
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        for (String svg : svgs) {
            assertThat(svg).contains("role=\"img\"").containsPattern("<svg [^>]*>\\s*<title id=\"t-\\d+\">[^<]+</title>")
                    .contains("reference (n = ").contains("current (n = ");
            // the SVG fragments are XML: escaping mistakes would break them
            xml.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        }
        // latency_ms and model drift; the hostile integer column and "few" do not
        int latency = html.indexOf("<section class=\"card drift\" id=\"col-0\"");
        int model = html.indexOf("<section class=\"card drift\" id=\"col-2\"");
        int hostile = html.indexOf("<section class=\"card ok\" id=\"col-1\"");
        int few = html.indexOf("<section class=\"card ok\" id=\"col-3\"");
        assertThat(latency).isPositive().isLessThan(model);
        assertThat(model).isLessThan(hostile);
        assertThat(hostile).isLessThan(few);
        assertThat(html).contains("<h1>Data drift: DRIFT</h1>").contains("<strong>2 of 4</strong> tested columns drifted");
        // numeric: the 20 default bins (wasserstein is not binned); categorical: the top 20 and the rest pooled
        assertThat(html).contains("20 equal-width bins from");
        assertThat(html).contains("(24 other values)");
        assertThat(html).contains("each of the 3 distinct values");
    }

    @Test
    void binnedTestsChartTheirOwnBins() throws Exception {
        Path[] f = files();
        Path html = tmp.resolve("psi.html");
        DriftCommandTest.Run r = DriftCommandTest.drift(f[0].toString(), f[1].toString(), "--html", html.toString(),
                "--test", "latency_ms=psi");
        assertThat(r.code()).as(r.err()).isZero();
        // n = 1500 + 1340 values: Sturges' ceil(log2(2840)) + 1 = 13 bins, as the psi test used
        assertThat(Files.readString(html)).contains("13 equal-width bins (the bins the psi test used)");
        assertThat(DriftCharts.sturges(2840)).isEqualTo(13);
    }

    @Test
    void binCountsFollowNumpyHistogram() {
        double[] edges = {0, 1, 2, 3};
        assertThat(DriftCharts.binCounts(new double[] {0, 0.999, 1, 2.5, 3, Double.NaN, 3}, edges))
                .containsExactly(2, 1, 3);
        assertThat(DriftCharts.niceCeil(0.37)).isEqualTo(0.5);
        assertThat(DriftCharts.niceCeil(0.13)).isEqualTo(0.2);
        assertThat(DriftCharts.divisions(0.2)).isEqualTo(4);
        assertThat(DriftCharts.tickPct(0.125)).isEqualTo("12.5%");
        assertThat(DriftHtmlReport.esc("a<b>&\"'\u0001")).isEqualTo("a&lt;b&gt;&amp;&quot;&#39;\ufffd");
    }

    @Test
    void perColumnStatisticsNewCategoriesSeparateScoreColumnsAndRoundTicks() throws Exception {
        String html = render();
        // p-values and distances never share a column
        assertThat(html).contains("<th class=\"num\">p-value</th><th class=\"num\">Distance</th>");
        assertThat(html).doesNotContain("<th class=\"num\">Score</th>");
        // both files' statistics for every numeric column
        assertThat(html).contains("<th class=\"num\">Mean</th><th class=\"num\">SD</th><th class=\"num\">Min</th>"
                + "<th class=\"num\">P5</th><th class=\"num\">P25</th><th class=\"num\">Median</th>");
        assertThat(html.split("<table class=\"stats\">", -1)).hasSize(5); // 4 columns
        assertThat(html).contains("<tr><th scope=\"row\">Reference</th>").contains("<tr><th scope=\"row\">Current</th>");
        // categories that appear only in the current file are flagged, escaped
        assertThat(html).contains("<b>New in current:</b> <code>a &quot;quoted&quot; &amp; &#39;odd&#39; value</code> (", "<code>rare-00</code> (1)");
        // tick labels are round numbers (1, 2 or 5 x 10^k), never bin edges such as 343.8
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<g class=\"tick\" text-anchor=\"middle\">(.*?)</g>").matcher(html);
        int checked = 0;
        while (m.find()) {
            java.util.regex.Matcher t = java.util.regex.Pattern.compile(">(-?[0-9.]+)</text>").matcher(m.group(1));
            while (t.find()) {
                if (t.group(1).endsWith("%")) {
                    continue;
                }
                java.math.BigDecimal v = new java.math.BigDecimal(t.group(1)).stripTrailingZeros();
                assertThat(v.precision()).as("tick " + t.group(1)).isLessThanOrEqualTo(2);
                checked++;
            }
        }
        assertThat(checked).isPositive();
        assertThat(DriftColumnStats.niceTicks(343.8, 683.9, 5)).containsExactly(400, 500, 600);
        assertThat(DriftColumnStats.niceTicks(0, 0.2495, 5)).containsExactly(0, 0.05, 0.1, 0.15, 0.2);
        assertThat(DriftColumnStats.quantile(new double[] {1, 2, 3, 4}, 0.25)).isEqualTo(1.75); // numpy: 1.75
        DriftColumnStats.Numeric n = DriftColumnStats.Numeric.of(new double[] {1, 2, 3, 4, Double.NaN}, 1);
        assertThat(n.mean()).isEqualTo(2.5);
        assertThat(n.sd()).isCloseTo(1.2909944487358056, org.assertj.core.api.Assertions.within(1e-12)); // pandas std()
    }
}

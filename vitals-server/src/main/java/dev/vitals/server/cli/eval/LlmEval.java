package dev.vitals.server.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.pricing.PriceCatalog;
import dev.vitals.quality.QualityReport;
import dev.vitals.quality.QualityStats;
import dev.vitals.quality.Score;
import dev.vitals.quality.ScoreKind;
import dev.vitals.quality.ScoreSummary;
import dev.vitals.quality.TextReport;
import dev.vitals.quality.eval.CodeEvaluators;
import dev.vitals.quality.eval.EvalInput;
import dev.vitals.quality.eval.Rubric;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.EvaluatorsConfig;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.csv.CountingStream;
import dev.vitals.server.csv.Progress;
import dev.vitals.server.gateway.Backend;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.gateway.OpenAiBackend;
import dev.vitals.server.gateway.SimulatedBackend;
import dev.vitals.server.quality.JudgeService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * {@code vitals eval --task llm FILE.jsonl}: one JSON object per line with {@code prompt} and
 * {@code response} (strings), optional {@code reference} (a string or an array of strings),
 * {@code context} (a string) and {@code response_format} (an object, as in the chat API). Runs the
 * code evaluators on every record, the LLM judge when {@code --config} turns one on, and BLEU/ROUGE
 * against references; prints per-evaluator summaries (count, mean, min, max, quartiles, true rate,
 * categories). Nothing is printed on stdout unless the whole file is valid.
 */
final class LlmEval {
    /** Longest accepted line, characters. */
    static final int MAX_LINE = 16 << 20;
    /** The model name the judge's scores are filed under. */
    private static final String MODEL = "offline";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final QualityStats stats = QualityStats.create();
    private final Map<String, KllDoublesSketch> quantiles = new LinkedHashMap<>();
    private long records;
    private long references;

    private LlmEval() {
    }

    /** Runs the evaluation; returns the exit code (0 done, 1 invalid data, 2 usage or unreadable). */
    static int run(Path file, Path config, boolean json, boolean forceProgress, PrintWriter out, PrintWriter err) {
        VitalsConfig cfg;
        try {
            cfg = config == null ? new VitalsConfig() : ConfigLoader.readYaml(config);
            if (config != null) {
                ConfigLoader.readSecrets(cfg, System.getenv());
            }
            if (cfg.backends == null || cfg.backends.isEmpty()) {
                VitalsConfig.Backend sim = new VitalsConfig.Backend();
                sim.name = "simulated";
                sim.models = List.of(cfg.defaultModel);
                sim.latencyMin = 0;
                sim.latencyMax = 0;
                sim.errorKeyword = null; // the judge's prompts quote the records, which may say "error"
                cfg.backends = List.of(sim);
            }
            ConfigLoader.validate(cfg);
        } catch (RuntimeException e) {
            err.println("vitals eval: " + (config == null ? "" : config + ": ") + e.getMessage());
            err.flush();
            return 2;
        }
        CodeEvaluators code = cfg.evaluators.enabled ? EvaluatorsConfig.builder(cfg.evaluators, null).build() : null;
        boolean judgeOn = config != null && EvaluatorsConfig.judgeOn(cfg);
        LlmEval ev = new LlmEval();
        Vertx vertx = judgeOn ? Vertx.vertx() : null;
        PrometheusRegistry registry = new PrometheusRegistry();
        Progress.File bar = null;
        try {
            JudgeService judge = judgeOn ? ev.judge(vertx, cfg, registry) : null;
            long size = Files.size(file);
            bar = Progress.on(err, forceProgress).start("vitals eval:", size);
            try (CountingStream in = new CountingStream(Files.newInputStream(file), bar)) {
                ev.read(in, bar, code, judge);
            }
            if (judge != null) {
                long end = System.currentTimeMillis() + cfg.evaluators.judge.timeoutSeconds * 1000L + 5_000;
                while (judge.pending() > 0 && System.currentTimeMillis() < end) {
                    Thread.sleep(20);
                }
            }
            bar.done();
            if (ev.records == 0) {
                err.println("vitals eval: " + file + ": no records");
                err.flush();
                return 1;
            }
            String text = json ? ev.json(judge, registry) : ev.table(judge, registry);
            out.print(text);
            out.flush();
            return 0;
        } catch (EvalCommand.EvalException | IOException e) {
            return EvalCommand.failed(err, file, bar, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        } finally {
            if (vertx != null) {
                vertx.close();
            }
        }
    }

    private JudgeService judge(Vertx vertx, VitalsConfig cfg, PrometheusRegistry registry) {
        List<Backend> backends = new ArrayList<>();
        for (VitalsConfig.Backend b : cfg.backends) {
            backends.add("openai".equals(b.type) ? new OpenAiBackend(vertx, b, System.getenv()) : new SimulatedBackend(vertx, b));
        }
        PriceCatalog prices = cfg.pricing.overrideFile == null ? PriceCatalog.builtIn()
                : PriceCatalog.builtIn().overlay(PriceCatalog.load(Path.of(cfg.pricing.overrideFile)));
        Gateway gateway = new Gateway(backends, List.of(), () -> prices);
        EvaluatorsConfig.Judge j = cfg.evaluators.judge;
        String model = j.model == null ? cfg.defaultModel : j.model;
        List<Rubric> rubrics = Rubric.load(j.rubricsDir == null ? null : Path.of(j.rubricsDir), j.rubrics);
        return new JudgeService(vertx, gateway, gateway.route(model), j, model, rubrics, (m, s) -> {
            add(s);
            return true;
        }, registry, System::currentTimeMillis);
    }

    private synchronized void add(List<Score> scores) {
        stats.addScores(scores);
        for (Score s : scores) {
            if (s.kind() == ScoreKind.NUMERIC) {
                quantiles.computeIfAbsent(s.name() + "\u0000" + s.source().wireName(), k -> KllDoublesSketch.newHeapInstance())
                        .update(s.number());
            }
        }
    }

    private void read(CountingStream in, Progress.File bar, CodeEvaluators code, JudgeService judge)
            throws IOException, EvalCommand.EvalException {
        Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
        StringBuilder line = new StringBuilder();
        long lineNo = 0;
        int c;
        boolean more = true;
        while (more) {
            line.setLength(0);
            while ((c = r.read()) >= 0 && c != '\n') {
                if (line.length() >= MAX_LINE) {
                    throw new EvalCommand.EvalException(1, "line " + (lineNo + 1) + ": longer than " + MAX_LINE + " characters");
                }
                line.append((char) c);
            }
            more = c >= 0;
            lineNo++;
            if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line.deleteCharAt(0);
            }
            if (line.toString().isBlank()) {
                continue;
            }
            record(line.toString(), lineNo, code, judge);
        }
    }

    private void record(String text, long lineNo, CodeEvaluators code, JudgeService judge) throws EvalCommand.EvalException {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (IOException e) {
            throw new EvalCommand.EvalException(1, "line " + lineNo + ": not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw new EvalCommand.EvalException(1, "line " + lineNo + ": must be a JSON object with prompt and response");
        }
        String prompt = string(n, "prompt", lineNo, true);
        String response = string(n, "response", lineNo, true);
        String context = string(n, "context", lineNo, false);
        JsonNode rf = n.get("response_format");
        if (rf != null && !rf.isNull() && !rf.isObject()) {
            throw new EvalCommand.EvalException(1, "line " + lineNo + ": 'response_format' must be an object");
        }
        List<String> refs = new ArrayList<>();
        JsonNode ref = n.get("reference");
        if (ref != null && !ref.isNull()) {
            if (ref.isTextual()) {
                refs.add(ref.asText());
            } else if (ref.isArray() && !ref.isEmpty()) {
                for (int i = 0; i < ref.size(); i++) {
                    if (!ref.get(i).isTextual()) {
                        throw new EvalCommand.EvalException(1, "line " + lineNo + ": 'reference[" + i + "]' must be a string");
                    }
                    refs.add(ref.get(i).asText());
                }
            } else {
                throw new EvalCommand.EvalException(1, "line " + lineNo + ": 'reference' must be a string or a non-empty array of strings");
            }
        }
        EvalInput in = new EvalInput(prompt, response, context, rf == null || rf.isNull() ? null : rf);
        records++;
        if (code != null) {
            add(code.evaluate(in));
        }
        if (!refs.isEmpty()) {
            synchronized (this) {
                stats.addText(response, refs);
            }
            references++;
        }
        if (judge != null) {
            judge.offer(MODEL, in);
        }
    }

    private static String string(JsonNode n, String field, long lineNo, boolean required) throws EvalCommand.EvalException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new EvalCommand.EvalException(1, "line " + lineNo + ": '" + field + "' is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new EvalCommand.EvalException(1, "line " + lineNo + ": '" + field + "' must be a string");
        }
        return v.asText();
    }

    private synchronized double[] quartiles(ScoreSummary s) {
        KllDoublesSketch k = quantiles.get(s.name() + "\u0000" + s.source().wireName());
        if (k == null || k.isEmpty()) {
            return null;
        }
        return new double[] {k.getQuantile(0.25), k.getQuantile(0.5), k.getQuantile(0.75)};
    }

    private synchronized String table(JudgeService judge, PrometheusRegistry registry) {
        QualityReport report = stats.report();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "records: %d%n%n", records));
        sb.append(String.format(Locale.ROOT, "%-20s %-9s %7s %8s %8s %8s %8s %8s %8s  %s%n", "score", "source", "count", "mean",
                "min", "p25", "median", "p75", "max", "rate / categories"));
        if (report.scores() != null) {
            for (ScoreSummary s : report.scores().scores()) {
                String line = switch (s.kind()) {
                    case NUMERIC -> {
                        double[] q = quartiles(s);
                        yield String.format(Locale.ROOT, "%8.4f %8.4f %8.4f %8.4f %8.4f %8.4f", s.mean(), s.min(),
                                q == null ? Double.NaN : q[0], q == null ? Double.NaN : q[1], q == null ? Double.NaN : q[2], s.max());
                    }
                    case BOOLEAN -> String.format(Locale.ROOT, "%53s  true %.4f (%d)", "", s.trueRate(), s.trueCount());
                    case CATEGORICAL -> String.format(Locale.ROOT, "%53s  %s", "", s.categories());
                };
                sb.append(String.format(Locale.ROOT, "%-20s %-9s %7d %s%n", s.name(), s.source().wireName(), s.count(), line));
            }
        }
        TextReport t = report.text();
        if (references > 0 && t != null) {
            sb.append(String.format(Locale.ROOT, "%nagainst references (%d records): BLEU %.4f  ROUGE-1 %.4f  ROUGE-2 %.4f  ROUGE-L %.4f%n",
                    references, t.bleu(), t.rouge().rouge1(), t.rouge().rouge2(), t.rouge().rougeL()));
        }
        if (judge != null) {
            sb.append(String.format(Locale.ROOT, "%njudge %s%s: %s%n", judge.model(), judge.simulated() ? " (SIMULATED: not a real evaluation)" : "",
                    judgeCounts(registry)));
        }
        return sb.toString();
    }

    private synchronized String json(JudgeService judge, PrometheusRegistry registry) {
        QualityReport report = stats.report();
        ObjectNode root = JSON.createObjectNode();
        root.put("records", records);
        ArrayNode scores = root.putArray("scores");
        if (report.scores() != null) {
            for (ScoreSummary s : report.scores().scores()) {
                ObjectNode o = scores.addObject().put("name", s.name()).put("source", s.source().wireName())
                        .put("kind", s.kind().wireName()).put("count", s.count());
                if (s.kind() == ScoreKind.NUMERIC) {
                    double[] q = quartiles(s);
                    o.put("mean", s.mean()).put("min", s.min()).put("max", s.max());
                    if (q != null) {
                        o.put("p25", q[0]).put("median", q[1]).put("p75", q[2]);
                    }
                } else if (s.kind() == ScoreKind.BOOLEAN) {
                    o.put("true_count", s.trueCount()).put("true_rate", s.trueRate());
                } else {
                    ObjectNode cats = o.putObject("categories");
                    s.categories().forEach(cats::put);
                }
            }
        }
        TextReport t = report.text();
        if (references > 0 && t != null) {
            root.putObject("text").put("pairs", references).put("bleu", t.bleu()).put("rouge1", t.rouge().rouge1())
                    .put("rouge2", t.rouge().rouge2()).put("rouge_l", t.rouge().rougeL());
        }
        if (judge != null) {
            root.putObject("judge").put("model", judge.model()).put("simulated", judge.simulated())
                    .put("requests", judgeCounts(registry));
        }
        return root.toString() + System.lineSeparator();
    }

    /** "scored N, malformed N, failed N" over every rubric. */
    private static String judgeCounts(PrometheusRegistry registry) {
        Map<String, Double> by = new LinkedHashMap<>();
        for (String o : new String[] {"scored", "malformed", "failed"}) {
            by.put(o, 0.0);
        }
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof CounterSnapshot c && s.getMetadata().getPrometheusName().equals("vitals_judge_requests")) {
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    by.merge(p.getLabels().get("outcome"), p.getValue(), Double::sum);
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        by.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(v.longValue()));
        return sb.toString();
    }
}

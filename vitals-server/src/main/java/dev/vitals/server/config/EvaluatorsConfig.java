package dev.vitals.server.config;

import dev.vitals.quality.eval.CodeEvaluators;
import dev.vitals.quality.eval.Rubric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code evaluators:} section: code evaluators on every successful gateway call (on by default),
 * per-model overrides, token log-probabilities for perplexity, and the LLM-as-judge.
 */
public final class EvaluatorsConfig {
    /** Run the code evaluators on gateway calls. */
    public boolean enabled = true;
    /** Which code evaluators run; default all (conciseness, refusal, pii, json_valid, repetition, safety). */
    public List<String> only = new ArrayList<>(CodeEvaluators.NAMES);
    /** The conciseness budget in words. */
    public int maxWords = 300;
    /** The repetition n-gram size. */
    public int ngram = 3;
    /** Safety lexicon: category to regular expressions; {@code null} = the small built-in default. */
    public Map<String, List<String>> safetyLexicon;
    /** Calls waiting for evaluation; beyond this they are dropped and counted. */
    public int queueSize = 1000;
    /** Most characters of a response read by the evaluators (the rest is not captured). */
    public int maxResponseChars = 65_536;
    /** Ask upstreams for token log-probabilities ({@code "logprobs": true}) so that perplexity can be computed. */
    public boolean requestLogprobs = false;
    /** Per-model overrides, by exact model name. */
    public Map<String, ModelOverride> models = new LinkedHashMap<>();
    /** The LLM-as-judge. */
    public Judge judge = new Judge();

    /** What one model changes; {@code null} keeps the section's value. */
    public static final class ModelOverride {
        public Boolean enabled;
        public Integer maxWords;
        public Boolean requestLogprobs;
        /** Whether the judge looks at this model's calls. */
        public Boolean judge;
    }

    /** LLM-as-judge on sampled traffic. */
    public static final class Judge {
        /**
         * On, off, or {@code null} (the default): on when every backend is simulated (the simulated model
         * answers rubric prompts with simulated judgements, at no cost), off otherwise.
         */
        public Boolean enabled;
        /** The judge's model, routed through the gateway's backends like any call; default {@code defaultModel}. */
        public String model;
        /** Share of successful calls judged, 0 to 1. */
        public double sampleRate = 1.0;
        /** Most judge requests per minute (one per rubric); samples beyond are skipped and counted. */
        public int maxPerMinute = 20;
        /** USD the judge may spend per UTC day; samples beyond are skipped and counted. */
        public double budgetUsdPerDay = 1.0;
        /** Rubrics asked for each sampled call. */
        public List<String> rubrics = new ArrayList<>(Rubric.NAMES);
        /** A directory of {@code <rubric>.txt} files overriding the built-in prompts; optional. */
        public String rubricsDir;
        /** Seconds a judge request may take; a slower one counts as failed. */
        public int timeoutSeconds = 30;
        /** Seed of the sampling draws; random without. */
        public Long seed;
    }

    /** Checks the section; the first problem fails with its key. A missing section means the defaults. */
    static void validate(VitalsConfig c) {
        if (c.evaluators == null) {
            c.evaluators = new EvaluatorsConfig();
        }
        EvaluatorsConfig e = c.evaluators;
        if (e.judge == null) {
            e.judge = new Judge();
        }
        if (e.models == null) {
            e.models = new LinkedHashMap<>();
        }
        try {
            builder(e, null).build();
        } catch (IllegalArgumentException ex) {
            throw new ConfigException("evaluators: " + ex.getMessage());
        }
        if (e.queueSize < 1 || e.queueSize > 1_000_000) {
            throw new ConfigException("evaluators.queueSize must be between 1 and 1000000, got " + e.queueSize);
        }
        if (e.maxResponseChars < 256 || e.maxResponseChars > 16 * 1024 * 1024) {
            throw new ConfigException("evaluators.maxResponseChars must be between 256 and 16777216, got " + e.maxResponseChars);
        }
        e.models.forEach((m, o) -> {
            if (o == null) {
                throw new ConfigException("evaluators.models." + m + " is empty; set enabled, maxWords, requestLogprobs or judge");
            }
            if (o.maxWords != null && o.maxWords < 1) {
                throw new ConfigException("evaluators.models." + m + ".maxWords must be >= 1, got " + o.maxWords);
            }
        });
        Judge j = e.judge;
        if (!(j.sampleRate >= 0 && j.sampleRate <= 1)) {
            throw new ConfigException("evaluators.judge.sampleRate must be between 0 and 1, got " + j.sampleRate);
        }
        if (j.maxPerMinute < 0 || j.maxPerMinute > 100_000) {
            throw new ConfigException("evaluators.judge.maxPerMinute must be between 0 and 100000, got " + j.maxPerMinute);
        }
        if (!(j.budgetUsdPerDay >= 0) || Double.isInfinite(j.budgetUsdPerDay)) {
            throw new ConfigException("evaluators.judge.budgetUsdPerDay must be a finite number >= 0, got " + j.budgetUsdPerDay);
        }
        if (j.timeoutSeconds < 1 || j.timeoutSeconds > 600) {
            throw new ConfigException("evaluators.judge.timeoutSeconds must be between 1 and 600, got " + j.timeoutSeconds);
        }
        if (j.model != null && j.model.isBlank()) {
            throw new ConfigException("evaluators.judge.model must be a model name served by a backend");
        }
        if (j.rubricsDir != null && !Files.isDirectory(Path.of(j.rubricsDir))) {
            throw new ConfigException("evaluators.judge.rubricsDir: " + j.rubricsDir + " is not a directory");
        }
        try {
            Rubric.load(j.rubricsDir == null ? null : Path.of(j.rubricsDir), j.rubrics == null ? List.of() : j.rubrics);
        } catch (IllegalArgumentException ex) {
            throw new ConfigException("evaluators.judge.rubrics: " + ex.getMessage());
        }
        if (j.rubrics == null || j.rubrics.isEmpty()) {
            throw new ConfigException("evaluators.judge.rubrics must list at least one of " + Rubric.NAMES);
        }
    }

    /** The code evaluators' builder for the section, with a model's override when given. */
    public static CodeEvaluators.Builder builder(EvaluatorsConfig e, ModelOverride o) {
        CodeEvaluators.Builder b = CodeEvaluators.builder()
                .only(new java.util.HashSet<>(e.only == null ? List.of() : e.only))
                .maxWords(o != null && o.maxWords != null ? o.maxWords : e.maxWords)
                .ngram(e.ngram);
        if (e.safetyLexicon != null) {
            b.lexicon(e.safetyLexicon);
        }
        return b;
    }

    /** Whether the judge runs: as configured, or (not configured) when every backend is simulated. */
    public static boolean judgeOn(VitalsConfig c) {
        Judge j = c.evaluators.judge;
        return j.enabled != null ? j.enabled : c.backends.stream().allMatch(b -> "simulated".equals(b.type));
    }
}

package dev.vitals.server.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.internal.BatchQueue;
import dev.vitals.internal.ThrottledLogger;
import dev.vitals.llm.LlmCall;
import dev.vitals.quality.Score;
import dev.vitals.quality.ScoreSource;
import dev.vitals.quality.TextMetrics;
import dev.vitals.quality.eval.CodeEvaluators;
import dev.vitals.quality.eval.EvalInput;
import dev.vitals.server.config.EvaluatorsConfig;
import dev.vitals.server.gateway.Call;
import dev.vitals.server.gateway.ChatRequest;
import dev.vitals.server.gateway.ResponseCapture;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Runs the code evaluators (and offers calls to the {@link JudgeService}) on successful gateway calls,
 * after they were recorded, on one evaluation thread fed by a bounded queue: the response is never
 * delayed, a full queue drops the evaluation and counts it. The response text is read from the
 * call's {@link ResponseCapture} in memory and dropped after; it is never stored or logged.
 */
public final class EvaluationService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EvaluationService.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What runs for one model's calls; {@code code} null when only the judge or log-probabilities are on. */
    public record Plan(CodeEvaluators code, boolean judge, boolean requestLogprobs) {
    }

    private final Plan defaultPlan;
    private final Map<String, Plan> plans = new HashMap<>();
    private final int maxChars;
    private final int maxBytes;
    private final QualityService quality;
    private final JudgeService judge;
    private final BatchQueue<Runnable> queue;
    private final dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> evaluations;
    private final ThrottledLogger failureLog = new ThrottledLogger(LOG, Duration.ofMinutes(1));

    /** @param judge the judge, or {@code null} when it is off */
    public EvaluationService(EvaluatorsConfig cfg, QualityService quality, JudgeService judge, PrometheusRegistry registry) {
        this.quality = quality;
        this.judge = judge;
        this.maxChars = cfg.maxResponseChars;
        // a stream's events carry JSON framing around the text: room for about four times the characters
        this.maxBytes = (int) Math.min(Integer.MAX_VALUE - 16, 4L * cfg.maxResponseChars + 16_384);
        this.defaultPlan = plan(cfg, null, judge != null);
        cfg.models.forEach((m, o) -> plans.put(m, plan(cfg, o, judge != null)));
        // a few at a time: the evaluator thread yields the CPU between batches, so a tick's evaluations
        // (up to a millisecond or two on one core) do not hold up a request waiting for the event loop
        this.queue = new BatchQueue<>("vitals-evaluators", cfg.queueSize, BatchQueue.TICK, 8, this::runAll);
        this.evaluations = dev.vitals.labels.MetricFamilies.of(registry).counter(Counter.builder().name("vitals_evaluations_total")
                .help("Gateway calls offered to the code evaluators, by outcome: evaluated, dropped (queue full, or still queued at shutdown), "
                        + "failed (scores could not be applied), skipped (the call failed or produced no text).")
                .labelNames("outcome"));
    }

    private static Plan plan(EvaluatorsConfig cfg, EvaluatorsConfig.ModelOverride o, boolean judgeOn) {
        boolean codeOn = o != null && o.enabled != null ? o.enabled : cfg.enabled;
        boolean judge = judgeOn && (o == null || o.judge == null || o.judge);
        boolean lp = o != null && o.requestLogprobs != null ? o.requestLogprobs : cfg.requestLogprobs;
        if (!codeOn && !judge && !lp) {
            return null;
        }
        return new Plan(codeOn ? EvaluatorsConfig.builder(cfg, o).build() : null, judge, lp);
    }

    /** The plan for a model's calls, or {@code null} when nothing evaluates them (then the hot path costs nothing). */
    public Plan plan(String model) {
        Plan p = plans.get(model);
        return p != null || plans.containsKey(model) ? p : defaultPlan;
    }

    /**
     * Prepares a call on the request's event loop: asks the upstream for log-probabilities when the
     * plan says so and the client did not say otherwise, starts capturing the answer and queues the
     * evaluation for when the call is recorded. Returns the request to send.
     */
    public ChatRequest attach(ChatRequest r, Call call) {
        Plan p = plan(r.model());
        if (p == null) {
            return r;
        }
        if (p.requestLogprobs() && !r.has("logprobs")) {
            r.body().put("logprobs", true);
            r = new ChatRequest(r.model(), r.body(), null, r.stream(), r.clientWantsUsage(), r.promptText(), r.messageCount());
        }
        ResponseCapture capture = call.capture(maxBytes);
        ChatRequest req = r;
        call.onRecorded(c -> submit(p, c, req, capture));
        return r;
    }

    /** Queues one evaluation; never blocks, never throws. */
    void submit(Plan p, LlmCall c, ChatRequest r, ResponseCapture capture) {
        if (!c.success()) {
            evaluations.labels("skipped").inc();
            return;
        }
        if (!queue.offer(() -> run(p, c.model(), r, capture))) {
            evaluations.labels("dropped").inc();
        }
    }

    private void run(Plan p, String model, ChatRequest r, ResponseCapture capture) {
        try {
            ResponseText t = ResponseText.of(capture, maxChars);
            if (t.text().isEmpty() && t.logprobs() == null) {
                evaluations.labels("skipped").inc();
                return;
            }
            EvalInput in = input(r, t.text());
            List<Score> scores = p.code() == null ? new java.util.ArrayList<>() : p.code().evaluate(in);
            if (t.logprobs() != null && t.logprobs().length > 0) {
                scores.add(Score.numeric("perplexity", ScoreSource.CODE, TextMetrics.perplexity(t.logprobs())));
            }
            boolean ok = quality.recordComputed(model, scores, t.logprobs());
            evaluations.labels(ok ? "evaluated" : "failed").inc();
            if (ok && p.judge() && judge != null && !t.text().isEmpty()) {
                judge.offer(model, in);
            }
        } catch (RuntimeException e) {
            evaluations.labels("failed").inc();
            // the exception's class only: its message might quote the text
            failureLog.warning("an evaluation failed: " + e.getClass().getName(), null);
        }
    }

    /** What the evaluators read of a request: its text, the context it carried (system and tool messages), its response format. */
    static EvalInput input(ChatRequest r, String response) {
        JsonNode format = null;
        if (r.has("response_format") && r.body().getValue("response_format") instanceof JsonObject rf) {
            try {
                format = JSON.readTree(rf.encode());
            } catch (java.io.IOException e) {
                format = null;
            }
        }
        return new EvalInput(r.promptText(), response, r.context(), format);
    }

    /** Waits up to {@code millis} for the evaluations queued so far (tests, shutdown). */
    public boolean drain(long millis) throws InterruptedException {
        return queue.awaitDone(millis);
    }

    /** On the evaluator thread: each evaluation guarded on its own, so one that fails does not take its batch with it. */
    private void runAll(List<Runnable> jobs) {
        int failed = runEach(jobs);
        if (failed > 0) {
            evaluations.labels("failed").inc(failed);
            failureLog.warning("an evaluation failed", null);
        }
    }

    /** Runs every job, whatever the ones before it threw; returns how many threw. */
    static int runEach(List<Runnable> jobs) {
        int failed = 0;
        for (Runnable job : jobs) {
            try {
                job.run();
            } catch (RuntimeException | StackOverflowError e) { // run() counts its own; a deep regex may overflow the stack
                failed++;
            }
        }
        return failed;
    }

    /**
     * Stops the evaluator thread; evaluations still queued are not run (counted as {@code dropped}): at shutdown the
     * backends a judge would call are closing, and the quality state is saved after this.
     */
    @Override
    public void close() {
        int left = queue.discardAndClose();
        if (left > 0) {
            evaluations.labels("dropped").inc(left);
        }
    }
}

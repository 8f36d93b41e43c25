package dev.vitals.server.quality;

import dev.vitals.llm.ErrorType;
import dev.vitals.llm.LlmCall;
import dev.vitals.quality.Score;
import dev.vitals.quality.eval.EvalInput;
import dev.vitals.quality.eval.Rubric;
import dev.vitals.server.config.EvaluatorsConfig;
import dev.vitals.server.gateway.Backend;
import dev.vitals.server.gateway.BackendException;
import dev.vitals.server.gateway.Call;
import dev.vitals.server.gateway.ChatRequest;
import dev.vitals.server.gateway.Completion;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.gateway.Ids;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * LLM-as-judge on sampled gateway traffic. A sampled call is sent to the judge model once per rubric,
 * through the gateway's backends like any call but recorded with operation {@code evaluation} (so its
 * tokens and cost are visible apart from the product's in {@code gen_ai_*} and here). Bounded three
 * ways, each counted: a sample rate, a cap of judge requests per minute, a USD budget per UTC day.
 * Each answer is parsed strictly by its {@link Rubric}; a malformed, failed or late answer is counted
 * and never becomes a score.
 */
public final class JudgeService {
    /** The operation recorded for judge calls. */
    public static final String OPERATION = "evaluation";
    /** The model name of the out-of-the-box simulated judge. */
    public static final String SIMULATED_MODEL = "vitals-simulated-judge";

    private final Gateway gateway;
    private final List<Backend> route;
    private final Context context;
    private final EvaluatorsConfig.Judge cfg;
    private final String model;
    private final List<Rubric> rubrics;
    private final ScoreSink sink;
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private final LongSupplier clock;
    private final Random random;
    private final dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> samples;
    private final dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> requests;
    private final Counter cost;
    private final boolean simulated;
    // guarded by this: judge requests this minute, USD spent this UTC day
    private final PerPeriod thisMinute = new PerPeriod(60_000L);
    private final PerPeriod today = new PerPeriod(86_400_000L);

    /** An amount that starts again from zero each period of {@code millis} since the epoch. */
    private static final class PerPeriod {
        private final long millis;
        private long period = -1;
        private double used;

        PerPeriod(long millis) {
            this.millis = millis;
        }

        /** The amount used in the period of {@code now} so far. */
        double used(long now) {
            long p = Math.floorDiv(now, millis);
            if (p != period) {
                period = p;
                used = 0;
            }
            return used;
        }

        void add(double amount) {
            used += amount;
        }
    }

    /**
     * @param model the judge's model
     * @param route the backends serving it, in fallback order (the gateway's, or the judge's own simulated one)
     * @param gateway records the judge's calls
     * @param clock epoch milliseconds (minute and day windows)
     */
    public JudgeService(Vertx vertx, Gateway gateway, List<Backend> route, EvaluatorsConfig.Judge cfg, String model,
                        List<Rubric> rubrics, QualityService quality, PrometheusRegistry registry, LongSupplier clock) {
        this(vertx, gateway, route, cfg, model, rubrics, (m, s) -> quality.recordComputed(m, s, null), registry, clock);
    }

    /** Where the judge's scores go: the server's quality windows, or the offline evaluation's summaries. */
    @FunctionalInterface
    public interface ScoreSink {
        /** Takes the scores of one call of {@code model}; false when they could not be applied. */
        boolean accept(String model, List<Score> scores);
    }

    /** As above, with the judge's scores going to {@code sink}. */
    public JudgeService(Vertx vertx, Gateway gateway, List<Backend> route, EvaluatorsConfig.Judge cfg, String model,
                        List<Rubric> rubrics, ScoreSink sink, PrometheusRegistry registry, LongSupplier clock) {
        if (route.isEmpty()) {
            throw new IllegalArgumentException("evaluators.judge.model: no backend serves '" + model + "'");
        }
        this.route = List.copyOf(route);
        this.simulated = route.stream().allMatch(b -> b instanceof dev.vitals.server.gateway.SimulatedBackend);
        this.gateway = gateway;
        this.context = vertx.getOrCreateContext();
        this.cfg = cfg;
        this.model = model;
        this.rubrics = List.copyOf(rubrics);
        this.sink = sink;
        this.clock = clock;
        this.random = cfg.seed == null ? new Random() : new Random(cfg.seed);
        this.samples = dev.vitals.labels.MetricFamilies.of(registry).counter(Counter.builder().name("vitals_judge_samples_total")
                .help("Successful gateway calls offered to the LLM judge, by outcome: sampled, not_sampled (sample rate), "
                        + "rate_limited (evaluators.judge.maxPerMinute), over_budget (evaluators.judge.budgetUsdPerDay).")
                .labelNames("outcome"));
        this.requests = dev.vitals.labels.MetricFamilies.of(registry).counter(Counter.builder().name("vitals_judge_requests_total")
                .help("Judge requests by rubric and outcome: scored, malformed (the answer did not follow the rubric), "
                        + "failed (error or timeout).")
                .labelNames("rubric", "outcome"));
        this.cost = Counter.builder().name("vitals_judge_cost_usd_total")
                .help("USD spent on judge requests (also in gen_ai_* with gen_ai_operation_name=\\\"evaluation\\\").")
                .register(registry);
    }

    /** Judge requests sent and not yet answered, failed or timed out. */
    public int pending() {
        return pending.get();
    }

    /** Whether the judge's backends are all simulated, so its scores are simulated too. */
    public boolean simulated() {
        return simulated;
    }

    public String model() {
        return model;
    }

    /** Offers one evaluated call; any thread. Decides sampling and limits at once and exactly. */
    public void offer(String evaluatedModel, EvalInput in) {
        synchronized (this) {
            long now = clock.getAsLong();
            if (random.nextDouble() >= cfg.sampleRate) {
                samples.labels("not_sampled").inc();
                return;
            }
            if (today.used(now) >= cfg.budgetUsdPerDay) {
                samples.labels("over_budget").inc();
                return;
            }
            if (thisMinute.used(now) + rubrics.size() > cfg.maxPerMinute) {
                samples.labels("rate_limited").inc();
                return;
            }
            thisMinute.add(rubrics.size());
            samples.labels("sampled").inc();
        }
        for (Rubric rubric : rubrics) {
            ChatRequest req = request(rubric, in);
            pending.incrementAndGet();
            context.runOnContext(v -> ask(evaluatedModel, rubric, req));
        }
    }

    private ChatRequest request(Rubric rubric, EvalInput in) {
        String system = rubric.system();
        String user = rubric.render(in);
        JsonObject body = new JsonObject().put("model", model).put("temperature", 0)
                .put("messages", new JsonArray()
                        .add(new JsonObject().put("role", "system").put("content", system))
                        .add(new JsonObject().put("role", "user").put("content", user)));
        return new ChatRequest(model, body, null, false, false, system + "\n" + user, 2);
    }

    /** On the judge's event loop. */
    private void ask(String evaluatedModel, Rubric rubric, ChatRequest req) {
        Call call = new Call("judge-" + Ids.random(), System.nanoTime());
        call.recordAs(OPERATION);
        AtomicBoolean done = new AtomicBoolean();
        long timer = context.owner().setTimer(cfg.timeoutSeconds * 1000L, id -> {
            if (done.compareAndSet(false, true)) {
                pending.decrementAndGet();
                requests.labels(rubric.name(), "failed").inc();
                charge(gateway.record(call, req, ErrorType.TIMEOUT, null, 0, 0, -1));
            }
        });
        gateway.complete(req, route, call).onComplete(ar -> {
            if (!done.compareAndSet(false, true)) {
                return; // timed out: recorded already
            }
            context.owner().cancelTimer(timer);
            try {
                answered(evaluatedModel, rubric, req, call, ar);
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    private void answered(String evaluatedModel, Rubric rubric, ChatRequest req, Call call, io.vertx.core.AsyncResult<Completion> ar) {
        if (ar.failed()) {
            requests.labels(rubric.name(), "failed").inc();
            charge(gateway.record(call, req, BackendException.of(ar.cause()).type(), null, 0, 0, -1));
            return;
        }
        Completion c = ar.result();
        charge(gateway.record(call, req, null, c.usage(), 0, c.text().length(), -1));
        Score s;
        try {
            s = rubric.parse(c.text());
        } catch (Rubric.MalformedAnswer e) {
            requests.labels(rubric.name(), "malformed").inc();
            return;
        }
        boolean ok = sink.accept(evaluatedModel, List.of(s));
        requests.labels(rubric.name(), ok ? "scored" : "failed").inc();
    }

    private void charge(LlmCall c) {
        if (c == null || !(c.costUsd() > 0)) {
            return;
        }
        cost.inc(c.costUsd());
        synchronized (this) {
            today.add(c.costUsd());
        }
    }
}

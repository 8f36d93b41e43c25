package dev.vitals.server.quality;

import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.gateway.Backend;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.gateway.SimulatedBackend;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/** Builds the evaluation service from the configuration: the code evaluators and the optional LLM judge. */
public final class Evaluators {
    private static final Logger LOG = Logger.getLogger(Evaluators.class.getName());

    private Evaluators() {
    }

    /** The code evaluators and, when on, the LLM judge (see {@link dev.vitals.server.config.EvaluatorsConfig}). */
    public static EvaluationService create(Vertx vertx, VitalsConfig config, Gateway gateway,
                                           QualityService quality, PrometheusRegistry registry) {
        var ev = config.evaluators;
        JudgeService judge = null;
        if (dev.vitals.server.config.EvaluatorsConfig.judgeOn(config)) {
            String model = ev.judge.model == null ? config.defaultModel : ev.judge.model;
            List<Backend> route = gateway.route(model);
            if (ev.judge.model == null && config.backends.stream().allMatch(b -> "simulated".equals(b.type))) {
                // the out-of-the-box judge: its own simulated model, so its calls never mix with the product's
                model = JudgeService.SIMULATED_MODEL;
                VitalsConfig.Backend sim = config.backends.get(0);
                VitalsConfig.Backend j = new VitalsConfig.Backend();
                j.name = "simulated-judge";
                j.models = List.of(model);
                j.latencyMin = sim.latencyMin;
                j.latencyMax = sim.latencyMax;
                j.seed = sim.seed;
                j.errorKeyword = null; // the rubric prompt quotes the call, which may contain the keyword
                j.outputTokensMin = 20;
                j.outputTokensMax = 40;
                route = List.of(new SimulatedBackend(vertx, j));
            }
            try {
                judge = new JudgeService(vertx, gateway, route, ev.judge, model,
                        dev.vitals.quality.eval.Rubric.load(ev.judge.rubricsDir == null ? null : Path.of(ev.judge.rubricsDir),
                                ev.judge.rubrics), quality, registry, System::currentTimeMillis);
            } catch (IllegalArgumentException e) {
                throw new dev.vitals.server.config.ConfigException(e.getMessage());
            }
            if (judge.simulated()) {
                LOG.info("LLM judge: model " + model + " is simulated, so its scores (source llm_judge) are simulated too");
            }
        }
        return new EvaluationService(ev, quality, judge, registry);
    }

}

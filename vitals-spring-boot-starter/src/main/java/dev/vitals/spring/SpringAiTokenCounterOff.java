package dev.vitals.spring;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import org.springframework.ai.chat.observation.ChatModelMeterObservationHandler;

/**
 * Takes the place of Spring AI's token counter, whose Prometheus name clashes with Vitals'
 * {@code gen_ai_client_token_usage} histogram; see {@code VitalsAutoConfiguration}.
 */
final class SpringAiTokenCounterOff extends ChatModelMeterObservationHandler {
    SpringAiTokenCounterOff() {
        super(new SimpleMeterRegistry()); // never written to: this handler supports no context
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return false;
    }
}

package dev.vitals.spring;

import dev.vitals.labels.LabelPolicy;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes the values of Micrometer tags named {@code gen_ai.*} (Spring AI's chat, embedding and tool
 * observations put the requested model name there, unchecked) through Vitals' {@link LabelPolicy}, so
 * that personal data is redacted in Spring AI's own meters as in Vitals' families. Other tags are untouched.
 */
final class GenAiTagFilter implements MeterFilter {
    private final LabelPolicy policy;

    GenAiTagFilter(LabelPolicy policy) {
        this.policy = policy;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        List<Tag> tags = id.getTags();
        List<Tag> cleaned = null;
        for (int i = 0; i < tags.size(); i++) {
            Tag t = tags.get(i);
            if (t.getKey().startsWith("gen_ai.")) {
                String v = policy.clean(t.getValue());
                if (!v.equals(t.getValue())) {
                    if (cleaned == null) {
                        cleaned = new ArrayList<>(tags);
                    }
                    cleaned.set(i, Tag.of(t.getKey(), v));
                }
            }
        }
        return cleaned == null ? id : id.replaceTags(cleaned);
    }
}

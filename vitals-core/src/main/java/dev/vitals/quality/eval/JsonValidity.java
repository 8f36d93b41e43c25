package dev.vitals.quality.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.resource.AllowSchemaLoader;
import dev.vitals.quality.Score;
import dev.vitals.quality.ScoreSource;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the request asked for JSON ({@code response_format} {@code json_object} or {@code json_schema}),
 * {@code json_valid} says whether the response is one JSON value and nothing else; for
 * {@code json_schema} {@code json_schema_valid} also says whether it satisfies the schema (JSON
 * Schema 2020-12 by networknt's json-schema-validator). A response that is not JSON is not
 * schema-valid. A schema that cannot be compiled yields no schema score (Vitals cannot know).
 * Compiled schemas are cached by their text (at most 256).
 */
public final class JsonValidity implements Evaluator {
    public static final String NAME = "json_valid";
    public static final String SCHEMA = "json_schema_valid";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // a schema from a request must not make the server fetch anything: only the bundled meta-schemas load
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaLoaders(l -> l.values(list -> list.add(0, new AllowSchemaLoader(iri -> {
                String s = iri.toString();
                return s.startsWith("classpath:") || s.startsWith("https://json-schema.org/") || s.startsWith("http://json-schema.org/");
            })))));
    private static final int MAX_CACHED = 256;

    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void evaluate(EvalInput in, List<Score> out) {
        JsonNode rf = in.responseFormat();
        if (rf == null || !rf.isObject()) {
            return;
        }
        String type = rf.path("type").asText("");
        if (!type.equals("json_object") && !type.equals("json_schema")) {
            return;
        }
        JsonNode value = parse(in.response());
        out.add(Score.bool(NAME, ScoreSource.CODE, value != null && (!type.equals("json_object") || value.isObject())));
        if (type.equals("json_schema")) {
            JsonNode schemaNode = rf.path("json_schema").path("schema");
            if (!schemaNode.isObject()) {
                return;
            }
            JsonSchema schema = schema(schemaNode);
            if (schema != null) {
                out.add(Score.bool(SCHEMA, ScoreSource.CODE, value != null && schema.validate(value).isEmpty()));
            }
        }
    }

    /** The response as one JSON value, or {@code null} when it is not exactly that. */
    static JsonNode parse(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(text);
            return n == null || n.isMissingNode() ? null : n;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private JsonSchema schema(JsonNode node) {
        String key = node.toString();
        JsonSchema s = schemas.get(key);
        if (s != null) {
            return s;
        }
        try {
            s = FACTORY.getSchema(node);
            s.initializeValidators();
        } catch (RuntimeException e) {
            return null;
        }
        if (schemas.size() < MAX_CACHED) {
            schemas.put(key, s);
        }
        return s;
    }
}

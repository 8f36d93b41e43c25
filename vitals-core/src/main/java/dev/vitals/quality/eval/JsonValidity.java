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
 * Compiled schemas are cached by their text (at most 256). The validator is an optional dependency of
 * vitals-core (an app that embeds the core gets only client_java, Jackson and DataSketches): without it on
 * the class path there is no {@code json_schema_valid} score, and {@code json_valid} still works.
 */
public final class JsonValidity implements Evaluator {
    public static final String NAME = "json_valid";
    public static final String SCHEMA = "json_schema_valid";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_CACHED = 256;

    private final Map<String, Object> schemas = new ConcurrentHashMap<>();
    private volatile boolean validatorMissing;

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
            Boolean valid = schemaValid(schemaNode, value);
            if (valid != null) {
                out.add(Score.bool(SCHEMA, ScoreSource.CODE, valid));
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

    /** Whether {@code value} satisfies the schema; {@code null} when that cannot be known. */
    private Boolean schemaValid(JsonNode schemaNode, JsonNode value) {
        if (validatorMissing) {
            return null;
        }
        try {
            Object schema = Schemas.compile(schemaNode, schemas);
            return schema == null ? null : value != null && Schemas.valid(schema, value);
        } catch (LinkageError e) { // json-schema-validator is not on the class path
            validatorMissing = true;
            return null;
        }
    }

    /** Everything that touches json-schema-validator, so that the class loads only when a schema is asked for. */
    private static final class Schemas {
        // a schema from a request must not make the server fetch anything: only the bundled meta-schemas load
        private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaLoaders(l -> l.values(list -> list.add(0, new AllowSchemaLoader(iri -> {
                    String s = iri.toString();
                    return s.startsWith("classpath:") || s.startsWith("https://json-schema.org/") || s.startsWith("http://json-schema.org/");
                })))));

        static Object compile(JsonNode node, Map<String, Object> cache) {
            String key = node.toString();
            Object s = cache.get(key);
            if (s != null) {
                return s;
            }
            JsonSchema compiled;
            try {
                compiled = FACTORY.getSchema(node);
                compiled.initializeValidators();
            } catch (RuntimeException e) {
                return null;
            }
            if (cache.size() < MAX_CACHED) {
                cache.put(key, compiled);
            }
            return compiled;
        }

        static boolean valid(Object schema, JsonNode value) {
            return ((JsonSchema) schema).validate(value).isEmpty();
        }
    }
}

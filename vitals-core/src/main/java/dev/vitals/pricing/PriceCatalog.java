package dev.vitals.pricing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An immutable catalog of per-model prices, loaded from the versioned {@code prices.json} shipped in
 * this jar and optionally overlaid with a user's file of the same format.
 *
 * <pre>{@code
 * PriceCatalog catalog = PriceCatalog.builtIn().overlay(PriceCatalog.load(Path.of("my-prices.json")));
 * OptionalDouble cost = catalog.cost("gpt-4o-mini-2024-07-18", 1200, 0, 300);
 * }</pre>
 *
 * <p>Lookup of a model name, in order: the exact name; its lower-case form; without a
 * {@code provider/} prefix; without a trailing date ({@code -2024-07-18}, {@code -20240718}) or
 * {@code -latest}. A model that matches nothing has no price: callers count it as unpriced and
 * never invent a cost.
 *
 * <p>File format: {@code {"version": "...", "models": {"name": {"input": USD, "output": USD,
 * "cached_input": USD}}}}, prices per 1,000,000 tokens; {@code cached_input} defaults to {@code input}.
 */
public final class PriceCatalog {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|latest)$");
    private static final String BUILT_IN = "/dev/vitals/pricing/prices.json";

    /** Names whose lookup is remembered at most; names beyond it are looked up each time (memory stays bounded). */
    static final int MAX_RESOLVED = 4096;
    private static final Object UNPRICED = new Object();

    private final String version;
    private final Map<String, ModelPrice> prices;
    /** The answer of {@link #find} by the name asked: a gateway asks for the same few names on every call. */
    private final java.util.concurrent.ConcurrentHashMap<String, Object> resolved = new java.util.concurrent.ConcurrentHashMap<>();

    private PriceCatalog(String version, Map<String, ModelPrice> prices) {
        this.version = version;
        this.prices = Collections.unmodifiableMap(prices);
    }

    /** The catalog shipped with Vitals. */
    public static PriceCatalog builtIn() {
        try (InputStream in = PriceCatalog.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("built-in price catalog " + BUILT_IN + " missing from the classpath");
            }
            return parse(in, "built-in prices.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An empty catalog: every model is unpriced. */
    public static PriceCatalog empty() {
        return new PriceCatalog("empty", new TreeMap<>());
    }

    /**
     * Loads a catalog file.
     *
     * @throws IllegalArgumentException naming the file and the entry when the content is invalid
     * @throws UncheckedIOException when the file cannot be read
     */
    public static PriceCatalog load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read price file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a catalog; {@code source} names it in error messages. */
    public static PriceCatalog parse(InputStream in, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": must be a JSON object with a \"models\" object");
        }
        JsonNode models = root.get("models");
        if (models == null || !models.isObject()) {
            throw new IllegalArgumentException(source + ": missing \"models\" object");
        }
        String version = root.path("version").asText("unversioned");
        Map<String, ModelPrice> map = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode m = e.getValue();
            if (name.isBlank() || !m.isObject()) {
                throw new IllegalArgumentException(source + ": model \"" + name + "\" must map to an object with input and output prices");
            }
            double input = price(source, name, m, "input", Double.NaN);
            double output = price(source, name, m, "output", Double.NaN);
            double cached = price(source, name, m, "cached_input", input);
            map.put(name, new ModelPrice(input, output, cached));
        }
        return new PriceCatalog(version, map);
    }

    private static double price(String source, String model, JsonNode m, String field, double dflt) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) {
            if (Double.isNaN(dflt)) {
                throw new IllegalArgumentException(source + ": model \"" + model + "\" is missing \"" + field + "\"");
            }
            return dflt;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
            throw new IllegalArgumentException(source + ": model \"" + model + "\" field \"" + field
                    + "\" must be a number >= 0, got " + v);
        }
        return v.asDouble();
    }

    /** This catalog with {@code other}'s entries added or replacing these. */
    public PriceCatalog overlay(PriceCatalog other) {
        Map<String, ModelPrice> merged = new TreeMap<>(prices);
        merged.putAll(other.prices);
        return new PriceCatalog(version + "+" + other.version, merged);
    }

    /** The catalog's version string, e.g. {@code 2026-11-01} or {@code 2026-11-01+custom-3}. */
    public String version() {
        return version;
    }

    /** Number of priced models. */
    public int size() {
        return prices.size();
    }

    /** The price of {@code model}, or {@code null}; see the class comment for the lookup rules. */
    public ModelPrice find(String model) {
        if (model == null || model.isEmpty()) {
            return null;
        }
        Object r = resolved.get(model);
        if (r == null) {
            ModelPrice p = lookUp(model);
            r = p == null ? UNPRICED : p;
            if (resolved.size() < MAX_RESOLVED) {
                resolved.put(model, r);
            }
        }
        return r == UNPRICED ? null : (ModelPrice) r;
    }

    /** Names remembered by {@link #find} (tests). */
    int resolvedNames() {
        return resolved.size();
    }

    private ModelPrice lookUp(String model) {
        ModelPrice p = prices.get(model);
        if (p != null) {
            return p;
        }
        String m = model.toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        if (slash >= 0) {
            m = m.substring(slash + 1);
        }
        p = prices.get(m);
        if (p != null) {
            return p;
        }
        String undated = DATE_SUFFIX.matcher(m).replaceFirst("");
        return undated.equals(m) ? null : prices.get(undated);
    }

    /** Cost in USD of a call, or {@code NaN} when the model has no price. */
    public double cost(String model, long inputTokens, long cachedInputTokens, long outputTokens) {
        ModelPrice p = find(model);
        return p == null ? Double.NaN : p.cost(inputTokens, cachedInputTokens, outputTokens);
    }
}

package dev.vitals.server.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Every configuration key, found by reflection over {@link VitalsConfig}: its path ({@code drift.windowMinutes}),
 * the environment variable that sets it by one rule ({@code VITALS_} + the path's parts in upper snake case:
 * {@code VITALS_DRIFT_WINDOW_MINUTES}), its default and its meaning (from {@code config-keys.properties}).
 * Keys of list elements ({@code backends[].baseUrl}) are YAML only. The README's reference table is
 * generated from this ({@link #markdownTable()}), so a new field shows up without anyone listing it.
 */
public final class ConfigKeys {
    private static final String DESCRIPTIONS = "config-keys.properties";
    /** Element types of lists and maps that a variable can set; declared before KEYS, which uses it. */
    private static final List<Class<?>> SCALARS = List.of(String.class, Integer.class, Long.class, Double.class, Boolean.class);
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(token|password|secret|salt)$");

    /** One key. {@code env} is {@code null} for keys that only YAML can set. */
    public record Key(String path, String env, Field[] chain, boolean element) {
        public Field field() {
            return chain[chain.length - 1];
        }

        /** A short type name for the reference: string, integer, number, boolean, list, map. */
        public String typeName() {
            return typeName(field());
        }

        private static String typeName(Field f) {
            Class<?> t = f.getType();
            if (t == String.class) {
                return "string";
            }
            if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
                return "integer";
            }
            if (t == double.class || t == Double.class) {
                return "number";
            }
            if (t == boolean.class || t == Boolean.class) {
                return "boolean";
            }
            return List.class.isAssignableFrom(t) ? "list" : Map.class.isAssignableFrom(t) ? "map" : t.getSimpleName();
        }
    }

    private static final List<Key> KEYS;

    static {
        List<Key> keys = new ArrayList<>();
        walk(VitalsConfig.class, "", new Field[0], false, keys);
        KEYS = List.copyOf(keys);
    }

    private ConfigKeys() {
    }

    /** All keys, in the order the configuration classes declare them. */
    public static List<Key> all() {
        return KEYS;
    }

    /** The environment variable of a key path by the one rule: {@code drift.windowMinutes} to {@code VITALS_DRIFT_WINDOW_MINUTES}. */
    public static String envName(String path) {
        StringBuilder sb = new StringBuilder("VITALS");
        for (String part : path.split("\\.")) {
            sb.append('_');
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (Character.isUpperCase(c) && i > 0) {
                    sb.append('_');
                }
                sb.append(Character.toUpperCase(c));
            }
        }
        return sb.toString();
    }

    private static boolean isSection(Class<?> t) {
        return t.getEnclosingClass() == VitalsConfig.class || t == EvaluatorsConfig.class
                || t.getEnclosingClass() == EvaluatorsConfig.class;
    }

    private static List<Field> fields(Class<?> c) {
        List<Field> out = new ArrayList<>();
        if (c.getSuperclass() != null && c.getSuperclass() != Object.class) {
            out.addAll(fields(c.getSuperclass()));
        }
        for (Field f : c.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && !Modifier.isStatic(m) && !f.isAnnotationPresent(JsonIgnore.class)) {
                out.add(f);
            }
        }
        return out;
    }

    private static void walk(Class<?> c, String prefix, Field[] chain, boolean element, List<Key> out) {
        for (Field f : fields(c)) {
            Field[] ch = Arrays.copyOf(chain, chain.length + 1);
            ch[chain.length] = f;
            String path = prefix + f.getName();
            Class<?> t = f.getType();
            if (isSection(t)) {
                walk(t, path + ".", ch, element, out);
            } else if (List.class.isAssignableFrom(t) && elementType(f) instanceof Class<?> e && isSection(e)) {
                walk(e, path + "[].", new Field[0], true, out);
            } else {
                out.add(new Key(path, element || !envSettable(f) ? null : envName(path), element ? new Field[] {f} : ch, element));
            }
        }
    }

    private static Type elementType(Field f) {
        return f.getGenericType() instanceof ParameterizedType p ? p.getActualTypeArguments()[p.getActualTypeArguments().length - 1] : null;
    }

    private static boolean envSettable(Field f) {
        Class<?> t = f.getType();
        if (List.class.isAssignableFrom(t) || Map.class.isAssignableFrom(t)) {
            return SCALARS.contains(elementType(f));
        }
        return t.isPrimitive() || SCALARS.contains(t) || t.isEnum();
    }

    /** One scalar of type {@code t} from text. */
    private static Object scalar(Class<?> t, String v) {
        if (t == String.class) {
            return v;
        }
        if (t == int.class || t == Integer.class) {
            return Integer.valueOf(v);
        }
        if (t == long.class || t == Long.class) {
            return Long.valueOf(v);
        }
        if (t == double.class || t == Double.class) {
            return Double.valueOf(v);
        }
        if (t == boolean.class || t == Boolean.class) {
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException("expected true or false");
            }
            return Boolean.valueOf(v);
        }
        if (t.isEnum()) {
            for (Object c : t.getEnumConstants()) {
                if (((Enum<?>) c).name().equalsIgnoreCase(v)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("expected one of " + Arrays.toString(t.getEnumConstants()));
        }
        throw new IllegalArgumentException("unsupported type " + t.getSimpleName());
    }

    /**
     * Sets every key whose variable is in {@code env} (blank values are ignored), recording {@code env NAME}
     * as its source. A value that does not parse fails with the variable, the key and the expected form.
     */
    static void applyEnv(VitalsConfig c, Map<String, String> env, Map<String, String> sources) {
        for (Key k : KEYS) {
            if (k.env() == null) {
                continue;
            }
            String v = env.get(k.env());
            if (v == null || v.isBlank()) {
                continue;
            }
            Object value;
            try {
                value = parse(k.field(), v.trim());
            } catch (RuntimeException e) {
                throw new ConfigException("environment variable " + k.env() + " (" + k.path() + "): '" + v + "' is not "
                        + expected(k.field()) + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            }
            set(c, k, value);
            sources.put(k.path(), "env " + k.env());
        }
    }

    private static String expected(Field f) {
        return switch (Key.typeName(f)) {
            case "integer" -> "an integer";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            case "list" -> "a comma-separated list";
            case "map" -> "a list of name=value pairs separated by commas";
            default -> "a valid value";
        };
    }

    private static Object parse(Field f, String v) {
        Class<?> t = f.getType();
        if (List.class.isAssignableFrom(t)) {
            List<Object> out = new ArrayList<>();
            for (String s : v.split(",")) {
                if (!s.isBlank()) {
                    out.add(scalar((Class<?>) elementType(f), s.trim()));
                }
            }
            return out;
        }
        if (Map.class.isAssignableFrom(t)) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (String s : v.split(",")) {
                if (s.isBlank()) {
                    continue;
                }
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + s.trim() + "' has no name=value");
                }
                out.put(s.substring(0, eq).trim(), scalar((Class<?>) elementType(f), s.substring(eq + 1).trim()));
            }
            return out;
        }
        return scalar(t, v);
    }

    /** The value of a (non-element) key in {@code c}; {@code null} when a section on the way is absent. */
    public static Object get(Object c, Key k) {
        Object o = c;
        try {
            for (Field f : k.chain()) {
                if (o == null) {
                    return null;
                }
                o = f.get(o);
            }
            return o;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void set(VitalsConfig c, Key k, Object value) {
        try {
            Object o = c;
            Field[] ch = k.chain();
            for (int i = 0; i < ch.length - 1; i++) {
                Object next = ch[i].get(o);
                if (next == null) { // "section:" with nothing under it in the YAML
                    next = ch[i].getType().getDeclaredConstructor().newInstance();
                    ch[i].set(o, next);
                }
                o = next;
            }
            ch[ch.length - 1].set(o, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set " + k.path(), e);
        }
    }

    /** The default of a key, as the reference shows it. */
    public static String defaultText(Key k) {
        Object v;
        try {
            if (k.element()) {
                Object e = k.field().getDeclaringClass().getDeclaredConstructor().newInstance();
                v = k.field().get(e);
            } else {
                v = get(new VitalsConfig(), k);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return v == null ? "none" : format(v);
    }

    /** A value as the reference and {@code ./vitals config} show it. */
    public static String format(Object v) {
        if (v instanceof List<?> l) {
            return l.isEmpty() ? "[]" : "[" + String.join(", ", l.stream().map(String::valueOf).toList()) + "]";
        }
        if (v instanceof Map<?, ?> m) {
            return m.isEmpty() ? "{}" : m.toString();
        }
        return String.valueOf(v);
    }

    /** Whether a key holds a secret (masked by {@code ./vitals config}); names of variables and files are not secrets. */
    public static boolean isSecret(String path) {
        String last = path.substring(path.lastIndexOf('.') + 1);
        return SECRET_NAME.matcher(last).matches();
    }

    /** The meanings of the keys, from {@code config-keys.properties} next to this class. */
    public static Map<String, String> descriptions() {
        Properties p = new Properties();
        try (InputStream in = ConfigKeys.class.getResourceAsStream(DESCRIPTIONS)) {
            if (in != null) {
                p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DESCRIPTIONS, e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(n -> out.put(n, p.getProperty(n).trim()));
        return out;
    }

    /** Keys that have no line in {@code config-keys.properties}. */
    public static List<String> undescribed() {
        Map<String, String> d = descriptions();
        return KEYS.stream().map(Key::path).filter(p -> d.get(p) == null || d.get(p).isEmpty()).toList();
    }

    /** The reference table (Markdown): key, environment variable, type, default, meaning. */
    public static String markdownTable() {
        Map<String, String> d = descriptions();
        StringBuilder sb = new StringBuilder("| key | environment | type | default | meaning |\n|---|---|---|---|---|\n");
        for (Key k : KEYS) {
            sb.append("| `").append(k.path()).append("` | ")
                    .append(k.env() == null ? "YAML only" : "`" + k.env() + "`").append(" | ")
                    .append(k.typeName()).append(" | `")
                    .append(defaultText(k).replace("|", "\\|")).append("` | ")
                    .append(d.getOrDefault(k.path(), "").replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}

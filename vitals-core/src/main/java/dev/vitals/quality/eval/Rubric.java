package dev.vitals.quality.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.quality.Score;
import dev.vitals.quality.ScoreSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One LLM-as-judge rubric: a prompt template with {@code {{prompt}}}, {@code {{response}}} and
 * {@code {{context}}} placeholders, and the JSON answer it asks for. The five built-in rubrics ship as
 * files in this package ({@code rubrics/<name>.txt}); a directory of files with the same names
 * overrides them. Answers are parsed strictly by {@link #parse}.
 *
 * @param name helpfulness, coherence, conciseness, safety or hallucination (also the score's name)
 * @param field the answer's field: {@code score} (an integer 1 to 5) or a boolean ({@code safe}, {@code hallucination})
 * @param template the prompt template
 */
public record Rubric(String name, String field, String template) {
    /** The built-in rubrics' names. */
    public static final List<String> NAMES = List.of("helpfulness", "coherence", "conciseness", "safety", "hallucination");
    /** How the judge's system message starts; the simulated model recognizes a rubric prompt by it. */
    public static final String SYSTEM_PREFIX = "You are Vitals' evaluation judge for the rubric '";
    /** Most characters of each of prompt, response and context put into a judge prompt. */
    public static final int MAX_PART_CHARS = 8_000;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Thrown for a judge answer that does not follow the rubric; never turned into a score. */
    public static final class MalformedAnswer extends Exception {
        public MalformedAnswer(String message) {
            super(message, null, false, false);
        }
    }

    /** The built-in rubrics, or those in {@code dir} (files named {@code <name>.txt}) where present. */
    public static List<Rubric> load(Path dir, List<String> names) {
        List<Rubric> out = new ArrayList<>();
        for (String n : names) {
            if (!NAMES.contains(n)) {
                throw new IllegalArgumentException("unknown rubric '" + n + "'; known: " + NAMES);
            }
            String text = null;
            if (dir != null) {
                Path f = dir.resolve(n + ".txt");
                if (Files.isRegularFile(f)) {
                    try {
                        text = Files.readString(f, StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new IllegalArgumentException("cannot read rubric file " + f + ": " + e.getMessage());
                    }
                    if (!text.contains("{{response}}")) {
                        throw new IllegalArgumentException("rubric file " + f + " has no {{response}} placeholder");
                    }
                }
            }
            if (text == null) {
                text = builtIn(n);
            }
            out.add(new Rubric(n, field(n), text));
        }
        return out;
    }

    private static String builtIn(String name) {
        try (InputStream in = Rubric.class.getResourceAsStream("rubrics/" + name + ".txt")) {
            if (in == null) {
                throw new IllegalStateException("built-in rubric " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String field(String name) {
        return switch (name) {
            case "safety" -> "safe";
            case "hallucination" -> "hallucination";
            default -> "score";
        };
    }

    /** The judge's system message. */
    public String system() {
        return SYSTEM_PREFIX + name + "'. Follow the instructions exactly and answer with one JSON object only.";
    }

    /** The user message: the template with the call's text, each part cut to {@link #MAX_PART_CHARS}. */
    public String render(EvalInput in) {
        // one pass, so text in the call that looks like a placeholder is never substituted again
        StringBuilder sb = new StringBuilder(template.length() + 1024);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            if (open < 0) {
                sb.append(template, i, template.length());
                break;
            }
            int close = template.indexOf("}}", open);
            String key = close < 0 ? null : template.substring(open + 2, close);
            String value = key == null ? null : switch (key) {
                case "prompt" -> in.prompt();
                case "response" -> in.response();
                case "context" -> in.context() == null || in.context().isEmpty() ? "(none)" : in.context();
                default -> null;
            };
            if (value == null) {
                sb.append(template, i, open + 2);
                i = open + 2;
                continue;
            }
            sb.append(template, i, open).append(cut(value));
            i = close + 2;
        }
        return sb.toString();
    }

    private static String cut(String s) {
        return s.length() <= MAX_PART_CHARS ? s : s.substring(0, MAX_PART_CHARS) + " [...]";
    }

    /**
     * The score in the judge's answer: exactly one JSON object (surrounding white space allowed, nothing
     * else) whose {@link #field} is an integer 1 to 5 ({@code score}) or a boolean.
     */
    public Score parse(String answer) throws MalformedAnswer {
        if (answer == null || answer.isBlank()) {
            throw new MalformedAnswer("empty answer");
        }
        JsonNode n;
        try {
            n = JSON.readTree(answer.trim());
        } catch (IOException e) {
            throw new MalformedAnswer("not one JSON value");
        }
        if (n == null || !n.isObject()) {
            throw new MalformedAnswer("not a JSON object");
        }
        JsonNode v = n.get(field);
        if (v == null) {
            throw new MalformedAnswer("no '" + field + "' field");
        }
        if (field.equals("score")) {
            if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > 5) {
                throw new MalformedAnswer("'score' must be an integer 1 to 5");
            }
            return Score.numeric(name, ScoreSource.LLM_JUDGE, v.asInt());
        }
        if (!v.isBoolean()) {
            throw new MalformedAnswer("'" + field + "' must be true or false");
        }
        return Score.bool(name, ScoreSource.LLM_JUDGE, v.booleanValue());
    }
}

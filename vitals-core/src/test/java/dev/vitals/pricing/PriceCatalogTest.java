package dev.vitals.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceCatalogTest {
    private static final PriceCatalog BUILT_IN = PriceCatalog.builtIn();

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static void assertPrice(ModelPrice p, double in, double out, double cached) {
        assertThat(p).isNotNull();
        assertThat(p.inputPerMillion()).isEqualTo(in);
        assertThat(p.outputPerMillion()).isEqualTo(out);
        assertThat(p.cachedInputPerMillion()).isEqualTo(cached);
    }

    // ---- built-in catalog ---------------------------------------------------------------------

    @Test
    void builtInCatalogLoads() {
        assertThat(BUILT_IN.version()).isEqualTo("2026-11-01");
        assertThat(BUILT_IN.size()).isEqualTo(32);
        assertPrice(BUILT_IN.find("mock-llm-v1"), 5.00, 15.00, 2.50);
        assertPrice(BUILT_IN.find("gpt-4o-mini"), 0.15, 0.60, 0.075);
        assertPrice(BUILT_IN.find("claude-sonnet-4-5"), 3.00, 15.00, 0.30);
    }

    @Test
    void builtInCachedInputDefaultsToInput() {
        assertPrice(BUILT_IN.find("gpt-4-turbo"), 10.00, 30.00, 10.00);
        assertPrice(BUILT_IN.find("text-embedding-3-small"), 0.02, 0.00, 0.02);
    }

    // ---- lookups ------------------------------------------------------------------------------

    @Test
    void exactLookup() {
        assertThat(BUILT_IN.find("gpt-4o")).isSameAs(BUILT_IN.find("gpt-4o"));
        assertPrice(BUILT_IN.find("gpt-4o"), 2.50, 10.00, 1.25);
        assertPrice(BUILT_IN.find("mistral-large-latest"), 2.00, 6.00, 2.00); // "-latest" is part of this name
    }

    @Test
    void lowerCaseLookup() {
        assertThat(BUILT_IN.find("GPT-4o-Mini")).isSameAs(BUILT_IN.find("gpt-4o-mini"));
        assertThat(BUILT_IN.find("CLAUDE-HAIKU-4-5")).isSameAs(BUILT_IN.find("claude-haiku-4-5"));
    }

    @Test
    void providerPrefixIsStripped() {
        assertThat(BUILT_IN.find("openai/gpt-4o-mini")).isSameAs(BUILT_IN.find("gpt-4o-mini"));
        assertThat(BUILT_IN.find("OpenAI/GPT-4o-mini")).isSameAs(BUILT_IN.find("gpt-4o-mini"));
        assertThat(BUILT_IN.find("azure/openai/gpt-4o")).isSameAs(BUILT_IN.find("gpt-4o"));
    }

    @Test
    void dateAndLatestSuffixesAreStripped() {
        ModelPrice mini = BUILT_IN.find("gpt-4o-mini");
        assertThat(BUILT_IN.find("gpt-4o-mini-2024-07-18")).isSameAs(mini);
        assertThat(BUILT_IN.find("gpt-4o-mini-20240718")).isSameAs(mini);
        assertThat(BUILT_IN.find("gpt-4o-mini-latest")).isSameAs(mini);
        assertThat(BUILT_IN.find("openai/GPT-4o-mini-2024-07-18")).isSameAs(mini);
        // the suffix is cut only once, from the end, and gpt-4o does not become gpt-4o-mini or vice versa
        assertThat(BUILT_IN.find("gpt-4o-2024-08-06")).isSameAs(BUILT_IN.find("gpt-4o"));
        assertThat(BUILT_IN.find("claude-3-5-haiku-20241022")).isSameAs(BUILT_IN.find("claude-3-5-haiku"));
    }

    @Test
    void partialDatesAreNotStripped() {
        assertThat(BUILT_IN.find("gpt-4o-mini-2024-07")).isNull();
        assertThat(BUILT_IN.find("gpt-4o-mini-202407")).isNull();
        assertThat(BUILT_IN.find("gpt-4o-mini-2024-07-18-extra")).isNull();
    }

    @Test
    void unknownModelHasNoPriceAndNaNCost() {
        assertThat(BUILT_IN.find("no-such-model")).isNull();
        assertThat(BUILT_IN.find("no-such-model-2024-07-18")).isNull();
        assertThat(BUILT_IN.find("")).isNull();
        assertThat(BUILT_IN.find(null)).isNull();
        assertThat(BUILT_IN.cost("no-such-model", 1000, 0, 1000)).isNaN();
        assertThat(PriceCatalog.empty().find("gpt-4o-mini")).isNull();
        assertThat(PriceCatalog.empty().cost("gpt-4o-mini", 1, 0, 1)).isNaN();
        assertThat(PriceCatalog.empty().size()).isZero();
    }

    // ---- cost math ----------------------------------------------------------------------------

    @Test
    void costOfUncachedCall() {
        // gpt-4o-mini: 0.15 in / 0.60 out per million
        assertThat(BUILT_IN.cost("gpt-4o-mini", 1_000_000, 0, 1_000_000)).isCloseTo(0.75, within(1e-12));
        assertThat(BUILT_IN.cost("gpt-4o-mini", 1200, 0, 300))
                .isCloseTo((1200 * 0.15 + 300 * 0.60) / 1e6, within(1e-15));
        assertThat(BUILT_IN.cost("gpt-4o-mini", 0, 0, 0)).isZero();
    }

    @Test
    void costWithCachedTokens() {
        // 600 uncached at 0.15, 400 cached at 0.075, 500 out at 0.60 -> 90 + 30 + 300 = 420 micro-USD
        assertThat(BUILT_IN.cost("gpt-4o-mini", 1000, 400, 500)).isCloseTo(420e-6, within(1e-15));
        assertThat(BUILT_IN.cost("openai/gpt-4o-mini-2024-07-18", 1000, 400, 500)).isCloseTo(420e-6, within(1e-15));
    }

    @Test
    void cachedTokensAreClampedToInput() {
        ModelPrice p = new ModelPrice(1.0, 2.0, 0.5);
        // 100 input all cached at 0.5, not 500
        assertThat(p.cost(100, 500, 0)).isCloseTo(50e-6, within(1e-15));
        assertThat(p.cost(100, 100, 0)).isCloseTo(50e-6, within(1e-15));
        // negative cached counts as none cached
        assertThat(p.cost(100, -7, 0)).isCloseTo(100e-6, within(1e-15));
    }

    @Test
    void cachedInputPriceDefaultsToInputPrice() {
        // gpt-4-turbo has no cached_input: cached tokens cost the input price
        assertThat(BUILT_IN.cost("gpt-4-turbo", 1000, 1000, 0))
                .isEqualTo(BUILT_IN.cost("gpt-4-turbo", 1000, 0, 0))
                .isCloseTo(0.01, within(1e-15));
    }

    @Test
    void modelPriceRejectsBadValues() {
        assertThatThrownBy(() -> new ModelPrice(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input price must be a finite number >= 0, got -1.0");
        assertThatThrownBy(() -> new ModelPrice(1, Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("output price must be a finite number >= 0, got NaN");
        assertThatThrownBy(() -> new ModelPrice(1, 1, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cached_input price must be a finite number >= 0, got Infinity");
    }

    // ---- files and overlay --------------------------------------------------------------------

    @Test
    void loadsAFileWithDefaultsForVersionAndCachedInput() throws IOException {
        Path f = write("p.json", "{\"models\": {\"m\": {\"input\": 1, \"output\": 2}}}");
        PriceCatalog c = PriceCatalog.load(f);
        assertThat(c.version()).isEqualTo("unversioned");
        assertThat(c.size()).isEqualTo(1);
        assertPrice(c.find("m"), 1, 2, 1);
    }

    @Test
    void explicitNullCachedInputDefaultsToInput() throws IOException {
        Path f = write("p.json", "{\"models\": {\"m\": {\"input\": 3, \"output\": 4, \"cached_input\": null}}}");
        assertPrice(PriceCatalog.load(f).find("m"), 3, 4, 3);
    }

    @Test
    void overlayReplacesAndAdds() throws IOException {
        Path f = write("mine.json", """
                {"version": "custom-3", "models": {
                  "gpt-4o-mini": {"input": 0.10, "output": 0.40, "cached_input": 0.01},
                  "my-model":    {"input": 7, "output": 9}
                }}""");
        PriceCatalog merged = BUILT_IN.overlay(PriceCatalog.load(f));
        assertThat(merged.version()).isEqualTo("2026-11-01+custom-3");
        assertThat(merged.size()).isEqualTo(BUILT_IN.size() + 1);
        assertPrice(merged.find("gpt-4o-mini"), 0.10, 0.40, 0.01);
        assertPrice(merged.find("openai/gpt-4o-mini-2024-07-18"), 0.10, 0.40, 0.01);
        assertPrice(merged.find("my-model"), 7, 9, 7);
        assertPrice(merged.find("gpt-4o"), 2.50, 10.00, 1.25); // untouched entries stay
        // the built-in catalog itself is unchanged
        assertPrice(BUILT_IN.find("gpt-4o-mini"), 0.15, 0.60, 0.075);
        assertThat(BUILT_IN.find("my-model")).isNull();
    }

    @Test
    void notJson() throws IOException {
        Path f = write("bad.json", "{ \"models\": { nope");
        assertThatThrownBy(() -> PriceCatalog.load(f))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + ": not valid JSON: ")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeGreaterThan((f + ": not valid JSON: ").length()));
    }

    @Test
    void trailingContentIsNotJson() throws IOException {
        // e.g. two catalogs pasted into one file: the second must not be silently dropped
        Path f = write("two.json", "{\"models\": {\"a\": {\"input\": 1, \"output\": 1}}}\n"
                + "{\"models\": {\"b\": {\"input\": 2, \"output\": 2}}}\n");
        assertThatThrownBy(() -> PriceCatalog.load(f))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + ": not valid JSON: ");
    }

    @Test
    void bareNaNTokenIsNotJson() throws IOException {
        Path f = write("nan.json", "{\"models\": {\"m\": {\"input\": NaN, \"output\": 1}}}");
        assertThatThrownBy(() -> PriceCatalog.load(f))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + ": not valid JSON: ");
    }

    @Test
    void notAnObject() throws IOException {
        Path f = write("array.json", "[1, 2]");
        assertThatThrownBy(() -> PriceCatalog.load(f))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": must be a JSON object with a \"models\" object");
        Path empty = write("empty.json", "");
        assertThatThrownBy(() -> PriceCatalog.load(empty))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(empty + ": must be a JSON object with a \"models\" object");
    }

    @Test
    void missingModels() throws IOException {
        Path f = write("nomodels.json", "{\"version\": \"x\"}");
        assertThatThrownBy(() -> PriceCatalog.load(f))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": missing \"models\" object");
        Path g = write("modelsarray.json", "{\"models\": []}");
        assertThatThrownBy(() -> PriceCatalog.load(g))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(g + ": missing \"models\" object");
    }

    @Test
    void entryNotAnObject() throws IOException {
        Path f = write("entry.json", "{\"models\": {\"m\": 5}}");
        assertThatThrownBy(() -> PriceCatalog.load(f))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": model \"m\" must map to an object with input and output prices");
    }

    @Test
    void negativePrice() throws IOException {
        Path f = write("neg.json", "{\"models\": {\"ok\": {\"input\": 1, \"output\": 1}, \"m\": {\"input\": -1, \"output\": 1}}}");
        assertThatThrownBy(() -> PriceCatalog.load(f))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": model \"m\" field \"input\" must be a number >= 0, got -1");
        Path g = write("negcached.json", "{\"models\": {\"m\": {\"input\": 1, \"output\": 1, \"cached_input\": -0.5}}}");
        assertThatThrownBy(() -> PriceCatalog.load(g))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(g + ": model \"m\" field \"cached_input\" must be a number >= 0, got -0.5");
    }

    @Test
    void stringPrice() throws IOException {
        Path f = write("str.json", "{\"models\": {\"m\": {\"input\": \"0.5\", \"output\": 1}}}");
        assertThatThrownBy(() -> PriceCatalog.load(f))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": model \"m\" field \"input\" must be a number >= 0, got \"0.5\"");
    }

    @Test
    void nanLikePrices() throws IOException {
        Path f = write("nanstr.json", "{\"models\": {\"m\": {\"input\": 1, \"output\": \"NaN\"}}}");
        assertThatThrownBy(() -> PriceCatalog.load(f))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": model \"m\" field \"output\" must be a number >= 0, got \"NaN\"");
        Path g = write("huge.json", "{\"models\": {\"m\": {\"input\": 1e999, \"output\": 1}}}");
        assertThatThrownBy(() -> PriceCatalog.load(g))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(g + ": model \"m\" field \"input\" must be a number >= 0, got ");
        Path h = write("bool.json", "{\"models\": {\"m\": {\"input\": true, \"output\": 1}}}");
        assertThatThrownBy(() -> PriceCatalog.load(h))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(h + ": model \"m\" field \"input\" must be a number >= 0, got true");
    }

    @Test
    void missingOutput() throws IOException {
        Path f = write("noout.json", "{\"models\": {\"m\": {\"input\": 1}}}");
        assertThatThrownBy(() -> PriceCatalog.load(f))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": model \"m\" is missing \"output\"");
        Path g = write("noin.json", "{\"models\": {\"m\": {\"output\": 1}}}");
        assertThatThrownBy(() -> PriceCatalog.load(g))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(g + ": model \"m\" is missing \"input\"");
    }

    @Test
    void unreadableFile() {
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> PriceCatalog.load(missing))
                .isExactlyInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot read price file " + missing + ": ");
    }

    @Test
    void parseNamesTheGivenSource() {
        var in = new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> PriceCatalog.parse(in, "my-source"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("my-source: missing \"models\" object");
    }

    @Test
    void lookupsAreRememberedUpToABoundAndAnsweredAlikeBeyondIt() {
        PriceCatalog c = PriceCatalog.builtIn();
        for (int i = 0; i < PriceCatalog.MAX_RESOLVED + 500; i++) {
            assertThat(c.find("attacker-model-" + i)).isNull();
        }
        assertThat(c.resolvedNames()).isEqualTo(PriceCatalog.MAX_RESOLVED);
        // names asked after the bound: the same answers as a fresh catalog's, every time
        for (int round = 0; round < 2; round++) {
            assertThat(c.find("openai/GPT-4o-mini-2024-07-18")).isEqualTo(BUILT_IN.find("gpt-4o-mini")).isNotNull();
            assertThat(c.find("gpt-4o-mini-2024-07")).isNull();
        }
        assertThat(c.resolvedNames()).isEqualTo(PriceCatalog.MAX_RESOLVED);
    }
}

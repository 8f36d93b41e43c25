package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code curl --data-binary @reference.csv} sends {@code application/x-www-form-urlencoded}: the reference
 * upload reads such a body as the CSV it is, as it does {@code text/csv}.
 */
class DriftReferenceUploadTest {
    private static final String ADMIN = "upload-admin-token-0123456789";

    private static HttpResponse<String> upload(ServerFixture f, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/admin/drift/reference?model=fraud-v3"))
                .header("authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("content-type", contentType);
        }
        return f.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void curlsDefaultFormContentTypeAndTextCsvBothUploadTheReference() throws Exception {
        String csv = "age,country\n31,FR\n45,DE\n52,FR\n";
        try (ServerFixture f = ServerFixture.start(cfg -> { }, Map.of("VITALS_ADMIN_TOKEN", ADMIN))) {
            for (String type : new String[] {"application/x-www-form-urlencoded", "text/csv", null}) {
                HttpResponse<String> r = upload(f, type, csv);
                assertThat(r.statusCode()).as(type + ": " + r.body()).isEqualTo(200);
                assertThat(new JsonObject(r.body()).getInteger("uploaded_features")).as(type).isEqualTo(2);
            }
            // a CSV with percent signs and ampersands, which a form decoder would mangle, arrives unchanged
            HttpResponse<String> r = upload(f, "application/x-www-form-urlencoded", "share,note\n0.5,a&b=c%zz\n0.7,x\n");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(new JsonObject(r.body()).getInteger("uploaded_features")).isEqualTo(2);
            // a multipart form is not a CSV: refused with a hint
            HttpResponse<String> m = upload(f, "multipart/form-data; boundary=x", "--x\r\n\r\nage\r\n--x--\r\n");
            assertThat(m.statusCode()).as(m.body()).isEqualTo(415);
            assertThat(new JsonObject(m.body()).getString("message")).contains("--data-binary", "text/csv");
        }
    }

    @Test
    void anUploadOverTheFeatureLimitChangesNothing() throws Exception {
        // before: the first two columns became features with references, then the third was refused (400);
        // the 400 left a half-applied reference behind, in memory and nowhere in the store
        try (ServerFixture f = ServerFixture.start(cfg -> cfg.drift.maxFeatures = 2, Map.of("VITALS_ADMIN_TOKEN", ADMIN))) {
            HttpResponse<String> r = upload(f, "text/csv", "age,country,amount\n31,FR,1.5\n45,DE,2.5\n");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getString("message")).isEqualTo("model 'fraud-v3' has 2 features, the limit (drift.maxFeatures)");
            HttpResponse<String> report = f.get("/v1/drift?model=fraud-v3&scope=replica");
            assertThat(report.body()).doesNotContain("\"age\"", "\"country\"");
            // within the limit the same model takes its reference whole
            HttpResponse<String> ok = upload(f, "text/csv", "age,country\n31,FR\n45,DE\n");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(f.get("/v1/drift?model=fraud-v3&scope=replica").body()).contains("\"age\"", "\"country\"");
        }
    }
}

package dev.vitals.server.http;

import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;

/** The HTTP server options of {@code server:}: host, TLS (PEM, JKS or PKCS#12), no h2c. */
public final class ServerOptions {
    private ServerOptions() {
    }

    public static HttpServerOptions of(VitalsConfig.Server server) {
        HttpServerOptions opts = new HttpServerOptions().setHost(server.host)
                .setCompressionSupported(false).setTcpNoDelay(true)
                // no h2c: with it Vert.x holds a new connection back until its first bytes tell HTTP/1 from
                // HTTP/2, so the connection guard would not see (nor time out) a client that sends nothing
                .setHttp2ClearTextEnabled(false);
        VitalsConfig.Tls tls = server.tls;
        if (tls.enabled()) {
            opts.setSsl(true);
            if (tls.certFile != null) {
                opts.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile).setKeyPath(tls.keyFile));
            } else if (tls.keyStoreFile.endsWith(".jks")) {
                opts.setKeyCertOptions(new JksOptions().setPath(tls.keyStoreFile).setPassword(tls.keyStorePassword));
            } else {
                opts.setKeyCertOptions(new PfxOptions().setPath(tls.keyStoreFile).setPassword(tls.keyStorePassword));
            }
        }
        return opts;
    }
}

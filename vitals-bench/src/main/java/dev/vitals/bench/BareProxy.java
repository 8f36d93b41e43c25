package dev.vitals.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor for any gateway built like Vitals: a Vert.x HTTP server that forwards each request's body
 * to the upstream with a pooled client and sends the answer back unchanged (a whole body as one
 * write, a chunked one piped as it arrives) — no parsing, routing, metrics or state. One server and one client per event loop, as Vitals runs. What Vitals adds
 * beyond this is the cost of its own work; what this adds over a direct call is the extra loopback
 * hop with its HTTP decoding and encoding.
 *
 * <pre>{@code
 * java -cp vitals-bench.jar dev.vitals.bench.BareProxy --port 8790 --upstream-port 8791
 * }</pre>
 */
public final class BareProxy implements AutoCloseable {
    private final Vertx vertx;
    private final int port;

    private BareProxy(Vertx vertx, int port) {
        this.vertx = vertx;
        this.port = port;
    }

    /** Starts one instance per available core on {@code port} (0: a free one) in front of the upstream. */
    public static BareProxy start(int port, int upstreamPort) throws Exception {
        Vertx vertx = Vertx.vertx();
        int instances = Runtime.getRuntime().availableProcessors();
        AtomicInteger bound = new AtomicInteger();
        vertx.deployVerticle(() -> new VerticleBase() {
            private HttpClientAgent client;

            @Override
            public Future<?> start() {
                client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                        new PoolOptions().setHttp1MaxSize(64));
                RequestOptions upstream = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                        .setPort(upstreamPort).putHeader("content-type", "application/json");
                HttpServer s = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                        .requestHandler(req -> forward(req, upstream));
                return s.listen(port == 0 ? -1 : port, "127.0.0.1").onSuccess(x -> bound.set(x.actualPort()));
            }

            private void forward(HttpServerRequest req, RequestOptions upstream) {
                req.body().compose(body -> client.request(new RequestOptions(upstream).setURI(req.uri()))
                                .compose(up -> up.send(body)))
                        .onComplete(ar -> {
                            if (ar.failed()) {
                                req.response().setStatusCode(502).end();
                                return;
                            }
                            var resp = ar.result();
                            var out = req.response().setStatusCode(resp.statusCode());
                            String type = resp.getHeader("content-type");
                            if (type != null) {
                                out.putHeader("content-type", type);
                            }
                            if (resp.getHeader("content-length") != null) {
                                resp.body().onComplete(b -> {
                                    if (b.succeeded()) {
                                        out.end(b.result());
                                    } else {
                                        out.reset();
                                    }
                                });
                            } else {
                                out.setChunked(true);
                                resp.pipeTo(out);
                            }
                        });
            }
        }, new DeploymentOptions().setInstances(instances)).await();
        return new BareProxy(vertx, bound.get());
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        vertx.close().await();
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        int upstreamPort = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--upstream-port" -> upstreamPort = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --port N --upstream-port N");
            }
        }
        if (upstreamPort <= 0) {
            throw new IllegalArgumentException("--upstream-port is required");
        }
        BareProxy p = start(port, upstreamPort);
        System.out.println("bare proxy on 127.0.0.1:" + p.port() + " -> 127.0.0.1:" + upstreamPort);
    }
}

package dev.vitals.server.gateway;

import dev.vitals.llm.ErrorType;
import dev.vitals.llm.LlmCall;
import dev.vitals.llm.CallListener;
import dev.vitals.pricing.PriceCatalog;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Routes a request to the backends that serve its model, in configured order, falling back to the
 * next one on a retryable failure before anything reached the client, and records every call as
 * exactly one {@link LlmCall}: one success or one failure with one normalized error type.
 */
public final class Gateway {
    private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

    private final List<Backend> backends;
    private final CallListener[] listeners;
    private final String[] listenerNames;
    private final List<Named> finished = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> failures;
    private final Supplier<PriceCatalog> prices;

    /** @param listeners the consumers of every finished call, in order (metrics first) */
    public Gateway(List<Backend> backends, List<CallListener> listeners, Supplier<PriceCatalog> prices) {
        this.backends = List.copyOf(backends);
        this.listeners = listeners.toArray(new CallListener[0]);
        this.listenerNames = listeners.stream().map(l -> l.getClass().getSimpleName()).toArray(String[]::new);
        this.prices = prices;
    }

    /** Backends serving {@code model}, in fallback order; empty when none does. */
    public List<Backend> route(String model) {
        List<Backend> out = new ArrayList<>(2);
        for (Backend b : backends) {
            if (b.serves(model)) {
                out.add(b);
            }
        }
        return out;
    }

    /** All listed model names with the provider that serves each first. */
    public List<String[]> models() {
        Set<String> seen = new LinkedHashSet<>();
        List<String[]> out = new ArrayList<>();
        for (Backend b : backends) {
            for (String m : b.models()) {
                if (seen.add(m)) {
                    out.add(new String[] {m, b.provider()});
                }
            }
        }
        return out;
    }

    public List<Backend> backends() {
        return backends;
    }

    /** A non-streaming completion with fallbacks. {@code route} must not be empty. */
    public Future<Completion> complete(ChatRequest r, List<Backend> route, Call call) {
        return attempt(r, route, 0, call, false).map(o -> (Completion) o);
    }

    /**
     * Opens a stream with fallbacks. Nothing reaches the client before the first event, so a stream
     * that fails retryably before delivering one (cut, timed out, an error event) falls back too.
     */
    public Future<ChatStream> openStream(ChatRequest r, List<Backend> route, Call call) {
        return attempt(r, route, 0, call, true).map(o -> new FallbackStream(this, r, route, call, (ChatStream) o));
    }

    /** The next backends' stream after the one at {@code call.backend} failed before its first event; fails when none is left. */
    Future<ChatStream> next(ChatRequest r, List<Backend> route, Call call, BackendException e) {
        int i = route.indexOf(call.backend);
        if (!e.retryable() || i < 0 || i + 1 >= route.size()) {
            return Future.failedFuture(e);
        }
        call.upstreamNanos += call.stream == null ? 0 : call.stream.upstreamNanos();
        call.stream = null;
        LOG.log(Level.FINE, () -> "request " + call.requestId + ": stream of " + route.get(i).name() + " failed before its first event ("
                + e.type().label() + "), trying " + route.get(i + 1).name());
        return attempt(r, route, i + 1, call, true).map(o -> (ChatStream) o);
    }

    private Future<Object> attempt(ChatRequest r, List<Backend> route, int i, Call call, boolean stream) {
        Backend b = route.get(i);
        call.attempts++;
        call.backend = b;
        long t0 = System.nanoTime();
        Future<?> f = UpstreamHeaders.with(call.upstreamHeaders, () -> stream ? b.stream(call.operation, r) : b.complete(call.operation, r));
        return f.<Object>map(x -> x).transform(ar -> {
            if (ar.succeeded() && ar.result() instanceof ChatStream s) {
                call.stream = s; // the stream counts its own upstream time from its request
                return Future.succeededFuture(s);
            }
            call.upstreamNanos += System.nanoTime() - t0;
            if (ar.succeeded()) {
                return Future.succeededFuture(ar.result());
            }
            BackendException e = BackendException.of(ar.cause());
            if (e.retryable() && i + 1 < route.size()) {
                LOG.log(Level.FINE, () -> "request " + call.requestId + ": backend " + b.name() + " failed ("
                        + e.type().label() + "), trying " + route.get(i + 1).name());
                return attempt(r, route, i + 1, call, stream);
            }
            return Future.failedFuture(e);
        });
    }

    /**
     * Records the call once. Tokens come from {@code usage} when the backend reported it; otherwise,
     * when any output was produced, they are estimated (input from the prompt's characters, output
     * from the streamed chunks and produced characters, see {@link Tokens#estimateOutput}) and marked as estimated; a call that
     * produced nothing has no tokens.
     *
     * @param error {@code null} for success
     * @param streamedChunks chunks that produced text of any kind (streams), 0 otherwise
     * @param responseChars characters of everything produced (content, reasoning, tool calls)
     * @param ttftNanos nanoseconds from the start to the first produced token of any kind, or -1
     * @return the recorded call, or {@code null} if it had been recorded already
     */
    public LlmCall record(Call call, ChatRequest r, ErrorType error, Usage usage, long streamedChunks,
                          long responseChars, long ttftNanos) {
        if (!call.markRecorded()) {
            return null;
        }
        long end = System.nanoTime();
        long in;
        long out;
        long cached = 0;
        boolean estimated = false;
        if (usage != null) {
            in = usage.promptTokens();
            out = usage.completionTokens();
            cached = usage.cachedTokens();
        } else if (error == null || streamedChunks > 0 || responseChars > 0) {
            in = Tokens.estimateFromChars(r.promptText().length());
            out = Tokens.estimateOutput(streamedChunks, responseChars);
            estimated = true;
        } else {
            in = 0;
            out = 0;
        }
        double cost = prices.get().cost(r.model(), in, cached, out);
        LlmCall.Builder b = LlmCall.builder(r.model())
                .requestId(call.requestId)
                .traceId(call.traceId)
                .provider(call.backend == null ? "vitals" : call.backend.provider())
                .operation(call.recordedOperation())
                .tokens(in, out)
                .cachedInputTokens(cached)
                .tokensEstimated(estimated)
                .durationSeconds((end - call.startNanos) / 1e9)
                .upstreamSeconds(call.attempts == 0 ? Double.NaN : Math.min(end - call.startNanos, call.upstreamNanos()) / 1e9)
                .timeToFirstTokenSeconds(ttftNanos < 0 ? Double.NaN : ttftNanos / 1e9)
                .streaming(r.stream())
                .responseChars(responseChars)
                .costUsd(cost)
                .attempts(Math.max(1, call.attempts));
        if (error == null) {
            b.success();
        } else {
            b.failure(error);
        }
        LlmCall c = b.build();
        for (int i = 0; i < listeners.length; i++) {
            try {
                listeners[i].onCall(c);
            } catch (RuntimeException e) {
                failed(listenerNames[i], e);
            }
        }
        if (call.caller() != null && !finished.isEmpty()) {
            FinishedCall f = new FinishedCall(c, call.caller(), r.model(), call.startNanos, r.promptText(), r.messageCount(),
                    call.finishReason());
            for (Named n : finished) {
                try {
                    n.listener().onFinished(f);
                } catch (RuntimeException e) {
                    failed(n.name(), e);
                }
            }
        }
        call.recorded(c, e -> failed("call_hook", e));
        if (error != null) {
            LOG.fine(() -> "request " + call.requestId + " failed: " + error.label());
        }
        return c;
    }

    /** Observes every call made through the HTTP API once it is recorded. */
    @FunctionalInterface
    public interface FinishedCallListener {
        void onFinished(FinishedCall call);
    }

    private record Named(String name, FinishedCallListener listener) {
    }

    /**
     * Registers a finished-call listener, once, at start-up; {@code name} is its {@code listener} label. It runs
     * after the {@link CallListener}s, guarded: a failure never reaches the request, and is counted.
     */
    public void listen(String name, FinishedCallListener listener) {
        finished.add(new Named(name, listener));
    }

    /** Counts listener failures in {@code vitals_call_listener_failures_total{listener}} of {@code registry}. */
    public void countFailures(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
        failures = dev.vitals.labels.MetricFamilies.of(registry).counter(io.prometheus.metrics.core.metrics.Counter.builder()
                .name("vitals_call_listener_failures_total")
                .help("Failures of the observers of finished calls (metrics, cost, spend, drift, business, ...), by listener; "
                        + "the call and its response are not affected.")
                .labelNames("listener"), 64);
    }

    private void failed(String listener, RuntimeException e) {
        var f = failures;
        if (f != null) {
            f.labels(listener).inc();
        }
        LOG.log(Level.FINE, "call listener " + listener + " failed", e);
    }

    public Future<Void> close() {
        List<Future<Void>> fs = new ArrayList<>();
        for (Backend b : backends) {
            fs.add(b.close());
        }
        return Future.join(fs).mapEmpty();
    }
}

package dev.vitals.server.gateway;

import java.util.List;

/**
 * A stream that can still move to the next backend: until its first event is delivered nothing has
 * reached the client (the response head goes out with the first write), so a retryable failure before
 * then opens the next backend's stream instead of ending the call. Used on the request's event loop.
 */
final class FallbackStream implements ChatStream {
    private final Gateway gateway;
    private final ChatRequest request;
    private final List<Backend> route;
    private final Call call;
    private ChatStream current;
    private StreamSink sink;
    private boolean delivered;
    private boolean cancelled;

    FallbackStream(Gateway gateway, ChatRequest request, List<Backend> route, Call call, ChatStream first) {
        this.gateway = gateway;
        this.request = request;
        this.route = route;
        this.call = call;
        this.current = first;
    }

    @Override
    public void start(StreamSink sink) {
        this.sink = sink;
        startCurrent();
    }

    private void startCurrent() {
        ChatStream s = current;
        s.start(new StreamSink() {
            @Override
            public boolean keepsText() {
                return sink.keepsText();
            }

            @Override
            public void event(StreamEvent e) {
                if (s == current) {
                    delivered = true;
                    call.response(e.responseId(), e.responseModel());
                    sink.event(e);
                }
            }

            @Override
            public void flush() {
                if (s == current) {
                    sink.flush();
                }
            }

            @Override
            public void end() {
                if (s == current) {
                    sink.end();
                }
            }

            @Override
            public void error(Throwable t) {
                if (s != current) {
                    return;
                }
                if (delivered || cancelled) {
                    sink.error(t);
                    return;
                }
                gateway.next(request, route, call, BackendException.of(t)).onComplete(ar -> {
                    if (ar.failed()) {
                        if (!cancelled) {
                            sink.error(ar.cause());
                        }
                        return;
                    }
                    current = ar.result();
                    if (cancelled) {
                        current.cancel();
                    } else {
                        startCurrent();
                    }
                });
            }
        });
    }

    @Override
    public void pause() {
        current.pause();
    }

    @Override
    public void resume() {
        current.resume();
    }

    @Override
    public void cancel() {
        cancelled = true;
        current.cancel();
    }

    @Override
    public long upstreamNanos() {
        return current.upstreamNanos();
    }
}

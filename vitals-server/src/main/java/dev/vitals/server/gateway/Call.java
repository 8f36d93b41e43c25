package dev.vitals.server.gateway;

/**
 * Mutable state of one call while it is in flight, owned by the request's event loop: its id, start,
 * time spent on backends and attempts. Becomes an immutable {@code LlmCall} when the call ends.
 */
public final class Call {
    final String requestId;
    final long startNanos;
    long upstreamNanos;
    int attempts;
    Backend backend;
    ChatStream stream;
    String traceId;
    Operation operation = Operation.CHAT;
    java.util.Map<String, String> upstreamHeaders;
    private String finishReason;
    private String responseId;
    private String responseModel;
    private boolean recorded;
    /** Recorded instead of the API operation's own name when set: {@code evaluation} for the judge's calls. */
    private String recordedAs;
    private ResponseCapture capture;
    private final java.util.List<java.util.function.Consumer<dev.vitals.llm.LlmCall>> onRecorded = new java.util.ArrayList<>(2);
    private Caller caller;

    public Call(String requestId, long startNanos) {
        this.requestId = requestId;
        this.startNanos = startNanos;
    }

    public String requestId() {
        return requestId;
    }

    public long startNanos() {
        return startNanos;
    }

    /** Time spent on backends so far, all attempts together. */
    public long upstreamNanos() {
        return upstreamNanos + (stream == null ? 0 : stream.upstreamNanos());
    }

    /** Gateway overhead so far: time since the start minus time spent on backends, milliseconds. */
    public double overheadMillis() {
        return Math.max(0, System.nanoTime() - startNanos - upstreamNanos()) / 1e6;
    }

    /** The finish reason the backend reported (stop, length, ...), kept for the drift profile. */
    public void finishReason(String reason) {
        if (reason != null) {
            this.finishReason = reason;
        }
    }

    public String finishReason() {
        return finishReason;
    }

    /** The answer's id and the model that answered, as the backend named them; {@code null}s keep what is known. */
    public void response(String id, String model) {
        if (id != null) {
            this.responseId = id;
        }
        if (model != null) {
            this.responseModel = model;
        }
    }

    /** The answer's id ({@code chatcmpl-...}), or {@code null}: unbounded, so for spans and logs, never labels. */
    public String responseId() {
        return responseId;
    }

    /** The model that answered as the answer names it, or {@code null}. */
    public String responseModel() {
        return responseModel;
    }

    /** The API operation (chat by default). */
    public Call operation(Operation op) {
        this.operation = op;
        return this;
    }

    public Operation operation() {
        return operation;
    }

    /** Headers forwarded to every upstream attempt of this call (e.g. {@code traceparent}); see {@link UpstreamHeaders}. */
    public void upstreamHeaders(java.util.Map<String, String> headers) {
        this.upstreamHeaders = headers;
    }

    /** The trace id set so far, or {@code null}. */
    public String traceId() {
        return traceId;
    }

    /** The name of the backend that answered (or was tried last), or {@code null}. */
    public String backendName() {
        return backend == null ? null : backend.name();
    }

    /** The base URL of that backend when it is remote, or {@code null}. */
    public java.net.URI backendEndpoint() {
        return backend == null ? null : backend.endpoint();
    }

    /** The W3C trace id of the request, recorded as an exemplar label. */
    public void traceId(String traceId) {
        this.traceId = traceId;
    }

    /** Records this call under another operation name ({@code evaluation} for the judge's own calls). */
    public void recordAs(String operation) {
        this.recordedAs = operation;
    }

    /** The operation name recorded: the API operation's, unless {@link #recordAs} set another. */
    public String recordedOperation() {
        return recordedAs != null ? recordedAs : operation.semconvName();
    }

    /** Starts capturing the answer for the evaluators, up to {@code maxBytes} of a stream. */
    public ResponseCapture capture(int maxBytes) {
        capture = new ResponseCapture(maxBytes);
        return capture;
    }

    /** Whether the answer is captured for the evaluators. */
    public boolean capturing() {
        return capture != null;
    }

    /** Keeps the non-streaming body for the evaluators when they asked for it; free otherwise. */
    public void captureBody(io.vertx.core.buffer.Buffer body) {
        if (capture != null) {
            capture.body(body);
        }
    }

    /** Keeps a stream event for the evaluators when they asked for it; free otherwise. */
    public void captureEvent(StreamEvent ev) {
        if (capture != null) {
            capture.event(ev);
        }
    }

    /**
     * Runs {@code action} with the call's record once it is recorded: for state of this call only (its span,
     * its captured answer). What every call needs observed is a listener registered once on the {@link Gateway}.
     */
    public void onRecorded(java.util.function.Consumer<dev.vitals.llm.LlmCall> action) {
        onRecorded.add(action);
    }

    /** Runs the call's own hooks, each guarded: a failing one is reported and the others still run. */
    void recorded(dev.vitals.llm.LlmCall c, java.util.function.Consumer<RuntimeException> failed) {
        for (java.util.function.Consumer<dev.vitals.llm.LlmCall> action : onRecorded) {
            try {
                action.accept(c);
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        }
    }

    /** Who made this call through the HTTP API; the finished-call listeners see only calls that have one. */
    public Call caller(Caller caller) {
        this.caller = caller;
        return this;
    }

    public Caller caller() {
        return caller;
    }

    /** Returns true the first time only, so a call is recorded exactly once whatever races end it. */
    boolean markRecorded() {
        if (recorded) {
            return false;
        }
        recorded = true;
        return true;
    }
}

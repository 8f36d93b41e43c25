package dev.vitals.server.http;

import dev.vitals.llm.ErrorType;
import dev.vitals.server.gateway.Backend;
import dev.vitals.server.gateway.BackendException;
import dev.vitals.server.gateway.Call;
import dev.vitals.server.gateway.ChatRequest;
import dev.vitals.server.gateway.ChatStream;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.gateway.Operation;
import dev.vitals.server.gateway.StreamEvent;
import dev.vitals.server.gateway.Usage;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;

/**
 * One streamed answer relayed to the client as Server-Sent Events and recorded exactly once, however it ends:
 * the stream's end, the upstream failing before or after the head, or the client leaving. The call's operation
 * sets the framing. Chat and legacy completions: the usage-only chunk only for clients that asked
 * ({@code stream_options.include_usage}), {@code [DONE]} at the end, a failure as a {@code data:} error object.
 * Responses: typed events forwarded as they come, no {@code [DONE]}, a failure as an {@code error} event.
 * One object is a stream's state and its sink; touched only on the request's event loop.
 */
final class SseRelay implements ChatStream.StreamSink {
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
    private static final byte[] DONE_BYTES = DONE.getBytes();

    private final Gateway gateway;
    private final ChatHandler chat;
    private final RoutingContext rc;
    private final HttpServerResponse resp;
    private final ChatRequest r;
    private final Call call;
    private final Operation op;
    private ChatStream stream;
    private boolean finished;
    /** Events queued before {@link #run}'s, copied; {@code null} when none. */
    private Buffer pending;
    /** The last queued events, a range of the array they arrived in (not copied), or {@code null}. */
    private byte[] run;
    private int runOff;
    private int runEnd;
    private Usage usage;
    private long chunks;
    private long chars;
    private long ttft = -1;

    SseRelay(Gateway gateway, ChatHandler chat, RoutingContext rc, ChatRequest r, Call call) {
        this.gateway = gateway;
        this.chat = chat;
        this.rc = rc;
        this.resp = rc.response();
        this.r = r;
        this.call = call;
        this.op = call.operation();
    }

    /** Opens the stream on {@code route} (with its fallbacks) and relays it. */
    void open(List<Backend> route) {
        resp.closeHandler(v -> {
            if (!finished) {
                finished = true;
                if (stream != null) {
                    stream.cancel();
                }
                record(ErrorType.CLIENT_DISCONNECT);
            }
        });
        gateway.openStream(r, route, call).onComplete(ar -> {
            if (ar.failed()) {
                if (!finished) {
                    finished = true;
                    chat.fail(rc, r, call, BackendException.of(ar.cause()));
                }
                return;
            }
            ChatStream s = ar.result();
            if (finished) { // the client left while we were connecting
                s.cancel();
                return;
            }
            stream = s;
            resp.setChunked(true)
                    .putHeader("content-type", "text/event-stream")
                    .putHeader("cache-control", "no-cache")
                    .putHeader(ChatHandler.OVERHEAD_HEADER, ChatHandler.overhead(call));
            resp.drainHandler(v -> s.resume());
            s.start(this);
        });
    }

    @Override
    public boolean keepsText() {
        return call.capturing();
    }

    /** Counts what an event carries and queues its bytes; they are written at the next flush, in one write. */
    @Override
    public void event(StreamEvent ev) {
        if (finished) {
            return;
        }
        call.captureEvent(ev);
        if (ev.usage() != null) {
            usage = ev.usage();
        }
        call.finishReason(ev.finishReason());
        if (ev.hasContent()) {
            if (ttft < 0) {
                ttft = System.nanoTime() - call.startNanos();
            }
            chunks++;
            chars += ev.contentChars();
        }
        if (op != Operation.RESPONSES && ev.usageOnly() && !r.clientWantsUsage()) {
            return;
        }
        // events of one read are contiguous in its array: they are written from it, not copied (the arrays of
        // stream events are never changed); only a gap (an event not forwarded) copies what came before it
        byte[] raw = ev.raw();
        if (raw == run && ev.rawOff() == runEnd) {
            runEnd += ev.rawLen();
            return;
        }
        spill();
        run = raw;
        runOff = ev.rawOff();
        runEnd = runOff + ev.rawLen();
    }

    /** Copies the run of events into {@link #pending}. */
    private void spill() {
        if (run == null) {
            return;
        }
        if (pending == null) {
            pending = Buffer.buffer(Math.max(256, run.length - runOff));
        }
        pending.appendBytes(run, runOff, runEnd - runOff);
        run = null;
    }

    /** Everything queued, as one buffer ({@code null} when nothing is), with {@code tail} after it when not null; empties the queue. */
    private Buffer takeQueued(byte[] tail) {
        if (run != null && pending == null) {
            int len = runEnd - runOff;
            Buffer out;
            if (tail == null) {
                out = BufferInternal.buffer(Unpooled.wrappedBuffer(run, runOff, len));
            } else if (run.length - runEnd >= tail.length && Arrays.equals(run, runEnd, runEnd + tail.length, tail, 0, tail.length)) {
                // the upstream's own [DONE], byte for byte, follows the events in the read: written from there too
                out = BufferInternal.buffer(Unpooled.wrappedBuffer(run, runOff, len + tail.length));
            } else {
                // one array for both (a composite of two is merged into a new array when written)
                out = Buffer.buffer(len + tail.length).appendBytes(run, runOff, len).appendBytes(tail);
            }
            run = null;
            return out;
        }
        spill();
        Buffer out = pending;
        pending = null;
        if (tail != null) {
            out = out == null ? Buffer.buffer(tail) : out.appendBytes(tail);
        }
        return out;
    }

    @Override
    public void flush() {
        if (finished || (pending == null && run == null)) {
            return;
        }
        resp.write(takeQueued(null));
        if (resp.writeQueueFull()) {
            stream.pause();
        }
    }

    @Override
    public void end() {
        if (finished) {
            return;
        }
        finished = true;
        record(null);
        // the last events and [DONE] in one write: one syscall, where two cost a tenth of a stream's CPU
        Buffer last = takeQueued(op != Operation.RESPONSES ? DONE_BYTES : null);
        if (last == null) {
            resp.end();
        } else {
            resp.end(last);
        }
    }

    @Override
    public void error(Throwable err) {
        if (finished) {
            return;
        }
        finished = true;
        BackendException e = BackendException.of(err);
        if (op == Operation.CHAT && !resp.headWritten()) {
            // nothing reached the client yet: a plain HTTP error, not a 200 stream holding one
            resp.setChunked(false);
            resp.headers().remove("content-type").remove("cache-control");
            chat.fail(rc, r, call, e);
            return;
        }
        record(e.type());
        if (op == Operation.CHAT) {
            // the head is sent: tell the client in-band, then end the stream as every stream ends
            resp.end(dataError(Buffer.buffer(), e).appendBuffer(DONE));
            return;
        }
        spill();
        Buffer out = pending == null ? Buffer.buffer() : pending;
        pending = null;
        if (op == Operation.TEXT_COMPLETION) {
            dataError(out, e);
        } else if (e.upstreamStatus() != 200) { // 200: the upstream's own response.failed/error event was forwarded
            JsonObject ev = new JsonObject().put("type", "error").put("code", e.type().label())
                    .put("message", e.getMessage()).putNull("param").put("sequence_number", -1);
            out.appendString("event: error\ndata: ").appendBuffer(ev.toBuffer()).appendString("\n\n");
        }
        resp.end(out);
    }

    /** Appends the OpenAI error object as one {@code data:} event. */
    private static Buffer dataError(Buffer out, BackendException e) {
        JsonObject body = HttpErrors.body(ChatHandler.errorKind(e), e.type().label(), e.getMessage());
        body.remove("status");
        body.remove("message");
        return out.appendString("data: ").appendBuffer(body.toBuffer()).appendString("\n\n");
    }

    private void record(ErrorType error) {
        gateway.record(call, r, error, usage, chunks, chars, ttft);
    }
}

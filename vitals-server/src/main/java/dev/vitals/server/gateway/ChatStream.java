package dev.vitals.server.gateway;

/**
 * An open chat stream whose first bytes have not been sent to the client yet. Flow control follows
 * Vert.x's ReadStream: {@link #pause()} while the client's write queue is full. The sink is called on
 * the event loop of the request.
 */
public interface ChatStream {
    /** Receives a stream's events; {@link #flush()} follows each batch that arrived together. */
    interface StreamSink {
        void event(StreamEvent e);

        /** The events since the last flush arrived together: write them out now. */
        void flush();

        /** The stream ended normally ({@code [DONE]}): events not flushed yet are written with the end. */
        void end();

        /** The stream failed after it started. */
        void error(Throwable t);

        /**
         * Whether the sink keeps the events' {@link StreamEvent#text() text} (for the evaluators): a stream reads it only
         * then, to make no string per chunk that nobody reads.
         */
        default boolean keepsText() {
            return false;
        }
    }

    /** Starts delivery. After {@link StreamSink#end()} or {@link StreamSink#error} nothing more is called. */
    void start(StreamSink sink);

    void pause();

    void resume();

    /** Stops the stream (the client went away); no sink method is called afterwards. */
    void cancel();

    /** Nanoseconds spent on the upstream so far (from sending the request). */
    long upstreamNanos();
}

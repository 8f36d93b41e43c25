package dev.vitals.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A streaming model that stamps the first streamed token for {@link VitalsChatModelListener}: the stamp
 * travels in the call's listener attributes, which LangChain4j copies by reference into every listener
 * context of that call.
 */
final class FirstTokenTimingModel implements StreamingChatModel {
    private final StreamingChatModel delegate;

    FirstTokenTimingModel(StreamingChatModel delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "model must not be null");
    }

    @Override
    public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
        AtomicLong first = new AtomicLong();
        Map<Object, Object> attributes = new LinkedHashMap<>();
        if (options != null) {
            attributes.putAll(options.listenerAttributes());
        }
        attributes.put(VitalsChatModelListener.FIRST_TOKEN_NANOS, first);
        ChatRequestOptions timed = ChatRequestOptions.builder().listenerAttributes(attributes).build();
        delegate.chat(request, timed, new Stamping(handler, first));
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return delegate.listeners();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }

    private record Stamping(StreamingChatResponseHandler h, AtomicLong first) implements StreamingChatResponseHandler {
        private void stamp() {
            if (first.get() == 0) {
                first.compareAndSet(0, System.nanoTime());
            }
        }

        @Override
        public void onPartialResponse(String partialResponse) {
            stamp();
            h.onPartialResponse(partialResponse);
        }

        @Override
        public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
            stamp();
            h.onPartialResponse(partialResponse, context);
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking) {
            stamp();
            h.onPartialThinking(partialThinking);
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
            stamp();
            h.onPartialThinking(partialThinking, context);
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall) {
            stamp();
            h.onPartialToolCall(partialToolCall);
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
            stamp();
            h.onPartialToolCall(partialToolCall, context);
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall completeToolCall) {
            h.onCompleteToolCall(completeToolCall);
        }

        @Override
        public void onUnmappedRawEvent(Object rawEvent) {
            h.onUnmappedRawEvent(rawEvent);
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            h.onCompleteResponse(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            h.onError(error);
        }
    }
}

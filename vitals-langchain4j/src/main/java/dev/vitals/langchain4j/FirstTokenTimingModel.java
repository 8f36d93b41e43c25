package dev.vitals.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
        delegate.chat(request, timed, stamping(handler, first));
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

    /**
     * {@code h}, stamping {@code first} on the first partial callback (a response, thinking or tool call
     * chunk, in every overload LangChain4j has or adds: each {@code onPartial*} method) and passing every
     * callback on unchanged.
     */
    private static StreamingChatResponseHandler stamping(StreamingChatResponseHandler h, AtomicLong first) {
        InvocationHandler forward = (proxy, method, args) -> {
            if (method.getName().startsWith("onPartial") && first.get() == 0) {
                first.compareAndSet(0, System.nanoTime());
            }
            try {
                return method.invoke(h, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (StreamingChatResponseHandler) Proxy.newProxyInstance(StreamingChatResponseHandler.class.getClassLoader(),
                new Class<?>[] {StreamingChatResponseHandler.class}, forward);
    }
}

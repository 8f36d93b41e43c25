package dev.vitals.langchain4j;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.vitals.llm.ErrorType;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;

/** Maps what a LangChain4j model threw to Vitals' one normalized {@link ErrorType}. */
final class ErrorTypes {
    private static final int MAX_DEPTH = 16;

    private ErrorTypes() {
    }

    static ErrorType of(Throwable error) {
        // an HTTP status anywhere in the chain is the most exact answer
        int depth = 0;
        for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof HttpException h) {
                ErrorType byStatus = ErrorType.ofHttpStatus(h.statusCode());
                return byStatus != null ? byStatus : ErrorType.OTHER;
            }
        }
        depth = 0;
        for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof TimeoutException || t instanceof HttpTimeoutException
                    || t instanceof SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return ErrorType.TIMEOUT;
            }
            if (t instanceof RateLimitException) {
                return ErrorType.RATE_LIMITED;
            }
            if (t instanceof InternalServerException) {
                return ErrorType.UPSTREAM_5XX;
            }
            if (t instanceof InvalidRequestException || t instanceof AuthenticationException
                    || t instanceof ModelNotFoundException || t instanceof ContentFilteredException) {
                return ErrorType.UPSTREAM_4XX;
            }
            if (t instanceof UnresolvedModelServerException) {
                return ErrorType.CONNECTION;
            }
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                return ErrorType.BAD_RESPONSE;
            }
        }
        depth = 0;
        for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof IOException) {
                return ErrorType.CONNECTION;
            }
        }
        return ErrorType.OTHER;
    }
}

package dev.vitals.server.config;

/** A configuration error: the message names the setting and the reason. Fails start-up. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.nundb.transport.stream;

import io.nundb.protocol.ErrorCode;

/**
 * One event of a watch stream.
 *
 * @param type {@code ready} (first, once the stream is authorized and live), {@code change}, {@code remove}, {@code current} (the value when the stream started)
 *     or {@code resync} (the value now, because changes were missed beyond what is retained), or
 *     {@code error} (the last event of a stream the server ends: the reason is in {@code value})
 * @param key the key
 * @param version the key's version after the change
 * @param value the value, null for a remove or a key that does not exist
 * @param id the resume id: the version, or {@code key:version} on a stream of several keys; null for a missing key
 * @param code why an {@code error} event ended the stream, as the code REST problem details carry
 *     ({@link ErrorCode#TOO_LARGE} for a slow consumer, {@link ErrorCode#PERMISSION_DENIED} for a
 *     revoked login or permission); null on every other event
 */
public record StreamEvent(String type, String key, int version, String value, String id, ErrorCode code) {

    public static final String CHANGE = "change";
    public static final String REMOVE = "remove";
    public static final String CURRENT = "current";
    public static final String RESYNC = "resync";
    public static final String READY = "ready";
    public static final String ERROR = "error";

    /** First event of every stream: the subscription is live (no key, no value, no id). */
    public static final StreamEvent READY_EVENT = new StreamEvent(READY, null, 0, null, null);

    /** An event that is not an error: no code. */
    public StreamEvent(String type, String key, int version, String value, String id) {
        this(type, key, version, value, id, null);
    }

    /** The last event of a stream the server ends (slow consumer, revoked permission…), with why. */
    public static StreamEvent error(ErrorCode code, String reason) {
        return new StreamEvent(ERROR, null, 0, reason, null, code);
    }

    public boolean isError() {
        return ERROR.equals(type);
    }

    public boolean isReady() {
        return READY.equals(type);
    }
}

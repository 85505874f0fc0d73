package io.nundb.transport.stream;

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
 */
public record StreamEvent(String type, String key, int version, String value, String id) {

    public static final String CHANGE = "change";
    public static final String REMOVE = "remove";
    public static final String CURRENT = "current";
    public static final String RESYNC = "resync";
    public static final String READY = "ready";
    public static final String ERROR = "error";

    /** First event of every stream: the subscription is live (no key, no value, no id). */
    public static final StreamEvent READY_EVENT = new StreamEvent(READY, null, 0, null, null);

    /** The last event of a stream the server ends (slow consumer, revoked permission…). */
    public static StreamEvent error(String reason) {
        return new StreamEvent(ERROR, null, 0, reason, null);
    }

    public boolean isError() {
        return ERROR.equals(type);
    }

    public boolean isReady() {
        return READY.equals(type);
    }
}

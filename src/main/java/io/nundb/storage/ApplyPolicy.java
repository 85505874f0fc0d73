package io.nundb.storage;

/** When the {@link WritePipeline} applies an entry this node appended. */
public enum ApplyPolicy {
    /** As soon as the op log says the entry is durable (a node alone, or the cluster's lazy mode). */
    ON_DURABLE,
    /**
     * When the cluster says so through {@link WritePipeline#applyUpTo} (for instance once a
     * majority holds the entry); a durable entry waits in memory until then.
     */
    EXTERNAL
}

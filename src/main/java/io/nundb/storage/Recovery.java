package io.nundb.storage;

/** Loads what is on disk into a fresh store before any client is served. */
public interface Recovery {

    void recoverInto(Databases databases);
}

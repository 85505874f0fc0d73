package io.nundb.watch;

/**
 * Whether a watcher may still read a key: asked on the writer's thread, with the key's lock held,
 * before each change is delivered, so it must be quick and must not block.
 */
@FunctionalInterface
public interface ReadGuard {

    boolean mayRead(String db, String key);
}

package io.nundb.storage.snapshot;

/**
 * Recovery found the files damaged or incomplete in a way that would start the node with less data
 * than its files hold, and refuses to start rather than guess. The message names the files.
 */
public class RecoveryRefusedException extends RuntimeException {

    public RecoveryRefusedException(String message) {
        super(message);
    }
}

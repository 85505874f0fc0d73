package io.nundb.storage.snapshot;

/** Recovery found a damaged op-log record with valid data after it and refuses to guess. */
public final class CorruptLogException extends RecoveryRefusedException {

    public CorruptLogException(String message) {
        super(message);
    }
}

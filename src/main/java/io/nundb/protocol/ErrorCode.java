package io.nundb.protocol;

/**
 * Why a command failed, as a stable code a client can branch on (the JSON doors send it as {@code
 * error.code}, REST maps it to an HTTP status). The text doors send only the NunDB text, which
 * stays as NunDB words it; the code is what a typed client relies on, never that text.
 */
public enum ErrorCode {
    /** A data command before {@code use-db}. */
    NO_DB_SELECTED,
    /** The login may not do this to this key (permissions, or a {@code $$} key without admin). */
    PERMISSION_DENIED,
    /** A wrong admin password, db token or user token. */
    INVALID_AUTH,
    /** Too many failed logins from this connection or address: retry later. */
    LOGIN_LOCKED,
    /** The command needs an admin login ({@code Not auth}). */
    ADMIN_REQUIRED,
    /** No such database. */
    NOT_FOUND,
    /** The database to create exists already. */
    ALREADY_EXISTS,
    /** {@code set-safe} with a version older than the stored one ({@code Invalid version!}). */
    VERSION_CONFLICT,
    /** The write is parked as a conflict for an arbiter, or there is no arbiter to take it. */
    CONFLICT,
    /** A malformed or invalid command: bad name, bad argument, not a number, overflow. */
    BAD_REQUEST,
    /** A line, value or payload over the configured limit. */
    TOO_LARGE,
    /** The write failed before it was stored: nothing changed. */
    NOT_STORED,
    /** The cluster lost track of the write: it may or may not have been applied. */
    OUTCOME_UNKNOWN,
    /** No primary within the wait (an election, or no majority): the write was not applied. */
    NO_PRIMARY,
    /** This node cannot serve the command now (clustering not enabled, connection closing). */
    UNAVAILABLE,
    /** A failure inside the server; the log has the details. */
    INTERNAL
}

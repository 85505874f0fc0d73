package io.nundb.protocol;

/** Reply texts of NunDB's protocol (compatibility A.3), byte for byte. */
public final class Replies {

    public static final String OK = "ok \n";
    public static final String NO_DB_SELECTED = "error no-db-selected\n";
    public static final String PERMISSION_DENIED = "permission denied\n";
    public static final String SECURE_KEY = "To read security keys you must auth as an admin!";
    public static final String EMPTY_VALUE = "<Empty>";

    private Replies() {}

    /** {@code error <msg> \n}: note the space before the LF, as NunDB sends it. */
    public static String error(String message) {
        return "error " + message + " \n";
    }

    /**
     * The final reply on TCP and WebSocket: {@code ok \n} or {@code error <msg> \n}; a version
     * conflict is reported as an error on every transport (compatibility B.2).
     */
    public static String terminal(Response response) {
        return response.outcome() == Response.Outcome.OK ? OK : error(response.error());
    }

    /**
     * One command's piece of an HTTP reply, paired strictly (compatibility B.5): the raw error
     * text, or the command's own first message, or {@code empty}.
     */
    public static String httpPiece(Response response) {
        if (response.outcome() != Response.Outcome.OK) {
            return response.error();
        }
        return response.messages().isEmpty() ? "empty" : response.messages().get(0);
    }

    /** What {@link #value} puts before the value. */
    public static final String VALUE_PREFIX = "value ";

    public static String value(String value) {
        return VALUE_PREFIX + value + "\n";
    }

    public static String valueVersion(int version, String value) {
        return "value-version " + version + " " + value + "\n";
    }

    public static String changed(String key, String value) {
        return "changed " + key + " " + value + "\n";
    }

    public static String changedVersion(String key, int version, String value) {
        return "changed-version " + key + " " + version + " " + value + "\n";
    }

    public static String removed(String key) {
        return "removed " + key + "\n";
    }
}

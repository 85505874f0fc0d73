package io.nundb.security;

/**
 * Validation of database names and keys (compatibility B.13): no path separators, no control
 * characters, bounded length.
 */
public final class Names {

    public static final int MAX_DB_NAME = 128;
    public static final int MAX_KEY = 1024;

    private Names() {}

    public static boolean validDatabaseName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_DB_NAME) {
            return false;
        }
        if (name.startsWith("$") || name.equals(".") || name.contains("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || c == ' ' || c == '|' || c == ';' || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }

    /** Null when the key is acceptable, otherwise the reason. */
    public static String invalidKeyReason(String key) {
        if (key.isEmpty()) {
            return "Key must not be empty";
        }
        if (key.length() > MAX_KEY) {
            return "Key is longer than " + MAX_KEY + " characters";
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                return "Key must not contain control characters";
            }
        }
        return null;
    }
}

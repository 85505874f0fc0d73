package io.nundb.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The cluster admin's user and password, compared in constant time. */
public final class AdminCredentials {

    private final String user;
    private final String password;

    public AdminCredentials(String user, String password) {
        if (user == null || user.isEmpty() || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("admin user and password must not be empty");
        }
        this.user = user;
        this.password = password;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public boolean matches(String candidateUser, String candidatePassword) {
        return Secrets.equal(user, candidateUser) & Secrets.equal(password, candidatePassword);
    }

    /** Constant-time text comparison for tokens and passwords. */
    public static final class Secrets {
        private Secrets() {}

        public static boolean equal(String expected, String actual) {
            if (expected == null || actual == null) {
                return false;
            }
            return MessageDigest.isEqual(
                    expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public String toString() {
        return "AdminCredentials[user=" + user + ", password=****]";
    }
}

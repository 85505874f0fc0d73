package io.nundb.security;

/**
 * NunDB's key patterns, shared by {@code keys} and permissions: a trailing {@code *} means prefix,
 * a leading {@code *} suffix, anything else substring; every {@code *} is removed first.
 */
public final class KeyPattern {

    private enum Kind {
        ALL,
        PREFIX,
        SUFFIX,
        CONTAINS
    }

    private final Kind kind;
    private final String text;

    private KeyPattern(Kind kind, String text) {
        this.kind = kind;
        this.text = text;
    }

    public static KeyPattern of(String pattern) {
        if (pattern.isEmpty()) {
            return new KeyPattern(Kind.ALL, "");
        }
        String bare = pattern.replace("*", "");
        if (pattern.endsWith("*")) {
            return new KeyPattern(bare.isEmpty() ? Kind.ALL : Kind.PREFIX, bare);
        }
        if (pattern.startsWith("*")) {
            return new KeyPattern(bare.isEmpty() ? Kind.ALL : Kind.SUFFIX, bare);
        }
        return new KeyPattern(Kind.CONTAINS, pattern); // NunDB removes '*' only for prefix and suffix
    }

    public boolean matches(String key) {
        return switch (kind) {
            case ALL -> true;
            case PREFIX -> key.startsWith(text);
            case SUFFIX -> key.endsWith(text);
            case CONTAINS -> key.contains(text);
        };
    }
}

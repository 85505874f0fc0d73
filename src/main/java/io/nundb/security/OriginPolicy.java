package io.nundb.security;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which browser origins may use the HTTP and WebSocket doors ({@code NUN_ALLOWED_ORIGINS}): a
 * comma list of origins such as {@code https://app.example.com}, or {@code *} (the default, as
 * NunDB clients expect) for any. A request without an {@code Origin} header (not from a browser)
 * is always allowed: the policy stops other sites' pages, not clients. Immutable; plain Java.
 */
public final class OriginPolicy {

    public static final OriginPolicy ANY = new OriginPolicy(Set.of());

    private final Set<String> allowed;

    private OriginPolicy(Set<String> allowed) {
        this.allowed = allowed;
    }

    /** From the setting's text; blank or containing {@code *} means any origin. */
    public static OriginPolicy parse(String setting) {
        if (setting == null || setting.isBlank()) {
            return ANY;
        }
        Set<String> origins = Stream.of(setting.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(OriginPolicy::normalize)
                .collect(Collectors.toUnmodifiableSet());
        return origins.isEmpty() || origins.contains("*") ? ANY : new OriginPolicy(origins);
    }

    public boolean allowsAny() {
        return allowed.isEmpty();
    }

    /** True when a request with this {@code Origin} header (null: none) may proceed. */
    public boolean allows(String origin) {
        return origin == null || allowsAny() || allowed.contains(normalize(origin));
    }

    private static String normalize(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}

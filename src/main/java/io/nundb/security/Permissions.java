package io.nundb.security;

import java.util.ArrayList;
import java.util.List;

/**
 * A user's permission spec (reference 5.3): groups separated by {@code |}, each group
 * {@code <letters> <pattern>,<pattern>…}. Letters: r read, w write, i increment, x remove; any
 * other letter counts as r. A group without patterns grants nothing.
 */
public final class Permissions {

    private record Group(String letters, List<String> patterns, List<KeyPattern> matchers) {}

    private final List<Group> groups;

    private Permissions(List<Group> groups) {
        this.groups = groups;
    }

    public static Permissions parse(String spec) {
        List<Group> groups = new ArrayList<>();
        for (String part : spec.split("\\|")) {
            if (part.isEmpty()) {
                continue;
            }
            int space = part.indexOf(' ');
            String letters = space < 0 ? part : part.substring(0, space);
            List<String> patterns = new ArrayList<>();
            List<KeyPattern> matchers = new ArrayList<>();
            if (space >= 0) {
                for (String p : part.substring(space + 1).split(",")) {
                    if (!p.isEmpty()) {
                        patterns.add(p);
                        matchers.add(KeyPattern.of(p));
                    }
                }
            }
            groups.add(new Group(letters, List.copyOf(patterns), List.copyOf(matchers)));
        }
        return new Permissions(List.copyOf(groups));
    }

    /** The spec as NunDB stores it: {@code <letters> <patterns joined by ,>} joined by {@code |}. */
    public String normalized() {
        StringBuilder sb = new StringBuilder();
        for (Group g : groups) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append(g.letters()).append(' ').append(String.join(",", g.patterns()));
        }
        return sb.toString();
    }

    /** Whether {@code letter} (r, w, i or x) is granted on {@code key}. */
    public boolean allows(char letter, String key) {
        for (Group g : groups) {
            if (grants(g.letters(), letter)) {
                for (KeyPattern m : g.matchers()) {
                    if (m.matches(key)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean grants(String letters, char wanted) {
        for (int i = 0; i < letters.length(); i++) {
            char c = letters.charAt(i);
            char effective = (c == 'w' || c == 'i' || c == 'x') ? c : 'r';
            if (effective == wanted) {
                return true;
            }
        }
        return false;
    }
}

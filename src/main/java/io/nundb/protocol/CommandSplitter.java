package io.nundb.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a WebSocket frame or HTTP body into commands (compatibility B.4): a {@code ;} starts a new
 * command only when the text after it (spaces skipped) begins with a known command name; otherwise
 * it stays inside the value. Leading blanks of a command are dropped and pieces with nothing but
 * blanks and {@code ;} skipped; trailing text is kept as sent (a value may end in spaces; the parser
 * drops a trailing LF, CR and {@code ;}).
 */
public final class CommandSplitter {

    private CommandSplitter() {}

    public static List<String> split(String text) {
        List<String> pieces = new ArrayList<>(2);
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) == ';' && startsWithCommand(text, i + 1)) {
                add(pieces, text.substring(start, i));
                start = i + 1;
            }
        }
        add(pieces, text.substring(start));
        return pieces;
    }

    private static boolean startsWithCommand(String text, int from) {
        int i = from;
        int n = text.length();
        while (i < n && isBlank(text.charAt(i))) {
            i++;
        }
        int end = i;
        while (end < n && text.charAt(end) != ' ' && text.charAt(end) != ';' && !isBlank(text.charAt(end))) {
            end++;
        }
        return end > i && CommandParser.isCommandName(text.substring(i, end));
    }

    private static void add(List<String> pieces, String piece) {
        int i = 0;
        while (i < piece.length() && isBlank(piece.charAt(i))) {
            i++;
        }
        for (int j = i; j < piece.length(); j++) {
            char c = piece.charAt(j);
            if (c != ';' && !isBlank(c)) {
                pieces.add(i == 0 ? piece : piece.substring(i));
                return;
            }
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }
}

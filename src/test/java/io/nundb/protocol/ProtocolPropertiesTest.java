package io.nundb.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the parser and splitter over arbitrary input. */
class ProtocolPropertiesTest {

    private final CommandParser parser = new CommandParser();

    @Property(tries = 1000)
    void theParserThrowsNothingButProtocolException(@ForAll("commandLike") String text) {
        try {
            Command c = parser.parse(text);
            assertThat(c.name()).isNotEmpty();
        } catch (ProtocolException e) {
            assertThat(e.getMessage()).isNotEmpty();
        }
    }

    @Property(tries = 1000)
    void theParserThrowsNothingButProtocolExceptionOnAnyString(@ForAll String text) {
        try {
            parser.parse(text);
        } catch (ProtocolException e) {
            assertThat(e.getMessage()).isNotEmpty();
        }
    }

    @Property(tries = 1000)
    void aSetKeepsItsValueExceptLineFeeds(@ForAll("key") String key, @ForAll("value") String value) {
        Command c = parser.parse("set " + key + " " + value);
        String expected = value.replace("\n", "");
        while (expected.endsWith(";") || expected.endsWith("\r")) {
            expected = expected.substring(0, expected.length() - 1);
        }
        assertThat(c).isEqualTo(new Command.Set(key, expected));
    }

    @Property(tries = 1000)
    void theSplitterNeverLosesNonBlankText(@ForAll("frames") String frame) {
        List<String> pieces = CommandSplitter.split(frame);
        assertThat(significant(String.join("", pieces))).isEqualTo(significant(frame));
        for (String p : pieces) {
            assertThat(p).isNotEmpty();
            assertThat(p.charAt(0)).isNotIn(' ', '\n', '\r', '\t');
            assertThat(significant(p)).isNotEmpty();
        }
    }

    @Property(tries = 1000)
    void joinedCommandsComeBackApart(@ForAll("simpleCommands") List<String> commands) {
        assertThat(CommandSplitter.split(String.join("; ", commands))).containsExactlyElementsOf(commands);
    }

    /** The text with blanks and the separators removed. */
    private static String significant(String s) {
        return s.replaceAll("[ \\n\\r\\t;]", "");
    }

    @Provide
    Arbitrary<String> commandLike() {
        Arbitrary<String> name = Arbitraries.of(List.copyOf(CommandParser.ALL_NAMES));
        Arbitrary<String> tail = Arbitraries.strings()
                .withChars(" ;\n\r|*-$0123456789abc")
                .withCharRange('\u0000', '\u007f')
                .ofMaxLength(30);
        return net.jqwik.api.Combinators.combine(name, tail).as((n, t) -> n + t);
    }

    @Provide
    Arbitrary<String> key() {
        return Arbitraries.strings()
                .alpha()
                .numeric()
                .withChars("$_-.")
                .ofMinLength(1)
                .ofMaxLength(20);
    }

    @Provide
    Arbitrary<String> value() {
        return Arbitraries.strings().all().ofMaxLength(40);
    }

    @Provide
    Arbitrary<String> frames() {
        Arbitrary<String> word = Arbitraries.oneOf(
                Arbitraries.of(List.copyOf(CommandParser.ALL_NAMES)),
                Arbitraries.strings().withChars("ab;\n\t \r").ofMaxLength(5));
        return word.list().ofMaxSize(12).map(words -> String.join(" ", words));
    }

    @Provide
    Arbitrary<List<String>> simpleCommands() {
        Arbitrary<String> arg = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6);
        Arbitrary<String> command = net.jqwik.api.Combinators.combine(
                        Arbitraries.of("get", "set", "keys", "watch", "increment"), arg, arg)
                .as((n, a, b) -> n + " " + a + " " + b);
        return command.list().ofMinSize(1).ofMaxSize(5);
    }
}

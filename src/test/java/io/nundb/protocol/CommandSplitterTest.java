package io.nundb.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@code ;} rule of compatibility B.4. */
class CommandSplitterTest {

    @Test
    void splitsOnlyWhereACommandFollows() {
        assertThat(CommandSplitter.split("get a; get b")).containsExactly("get a", "get b");
        assertThat(CommandSplitter.split("get a;get b")).containsExactly("get a", "get b");
        assertThat(CommandSplitter.split("set a x;y")).containsExactly("set a x;y");
        assertThat(CommandSplitter.split("set a x; y z;get a")).containsExactly("set a x; y z", "get a");
        assertThat(CommandSplitter.split("auth u p; use-db d t")).containsExactly("auth u p", "use-db d t");
    }

    @Test
    void skipsEmptyPiecesAndLeadingBlanks() {
        assertThat(CommandSplitter.split("get a;")).containsExactly("get a;");
        assertThat(CommandSplitter.split("")).isEmpty();
        assertThat(CommandSplitter.split("  \n")).isEmpty();
        assertThat(CommandSplitter.split(";;get a")).containsExactly("get a");
        assertThat(CommandSplitter.split("  get a")).containsExactly("get a");
        assertThat(CommandSplitter.split("\n get a")).containsExactly("get a");
    }

    @Test
    void keepsTrailingSpacesOfAValue() {
        assertThat(CommandSplitter.split("set a x ")).containsExactly("set a x ");
        assertThat(CommandSplitter.split("keys ")).containsExactly("keys ");
    }

    @Test
    void aSemicolonBeforeAnUnknownWordStays() {
        assertThat(CommandSplitter.split("set a 1;unknown;get a")).containsExactly("set a 1;unknown", "get a");
        // cluster-internal names are not client commands (compatibility B.7)
        assertThat(CommandSplitter.split("set a x;election;rp 1")).containsExactly("set a x;election;rp 1");
        assertThat(CommandSplitter.split("set a x;ls")).containsExactly("set a x", "ls");
    }
}

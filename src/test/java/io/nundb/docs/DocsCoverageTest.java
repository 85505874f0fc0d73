package io.nundb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every fenced block of README.md and docs/*.md is accounted for: marked {@code runnable} (then
 * {@link DocsExamplesTest} runs it) or {@code browser} ({@link DocsBrowserTest} runs it in Chromium), walked
 * ({@link WalkedBlocks}: {@link DocsCommandWalkIT} runs it in a copy of the repository), or listed in
 * {@link NotRunBlocks} with the reason it is not run. A new example therefore either runs or says why not; an entry of the list that matches no
 * block any more fails too, so the list cannot rot. Prints the inventory into the test report.
 */
class DocsCoverageTest {

    @Test
    void everyBlockIsRunOrListedWithItsReason() throws Exception {
        List<String> unaccounted = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Path doc : MarkdownBlocks.documents()) {
            for (MarkdownBlocks.Block block : MarkdownBlocks.read(doc).blocks()) {
                String key = NotRunBlocks.key(block);
                NotRunBlocks.Reason reason = NotRunBlocks.LIST.get(key);
                WalkedBlocks.Walk walk = WalkedBlocks.of(block);
                if (block.runnable() || block.browser()) {
                    assertThat(reason)
                            .as("%s is runnable: drop it from NotRunBlocks", block.where())
                            .isNull();
                    assertThat(walk)
                            .as("%s is runnable: drop it from WalkedBlocks", block.where())
                            .isNull();
                    System.out.println("run      " + block.where() + "  " + NotRunBlocks.firstLine(block));
                } else if (walk != null) {
                    assertThat(reason)
                            .as("%s is walked by DocsCommandWalkIT: drop it from NotRunBlocks", block.where())
                            .isNull();
                    System.out.println("walked   " + block.where() + "  " + NotRunBlocks.firstLine(block));
                } else if (reason == null) {
                    unaccounted.add(block.where() + " (" + NotRunBlocks.firstLine(block) + ")");
                } else {
                    used.add(key);
                    System.out.println("not run  " + block.where() + "  " + reason);
                }
            }
        }
        assertThat(unaccounted)
                .as("blocks neither marked runnable nor listed in NotRunBlocks with a reason")
                .isEmpty();
        assertThat(NotRunBlocks.LIST.keySet())
                .as("NotRunBlocks entries that match no block (remove them)")
                .isSubsetOf(used);
    }

    @Test
    void everyWalkedEntryNamesExactlyOneBlock() throws Exception {
        for (WalkedBlocks.Walk walk : WalkedBlocks.LIST) {
            assertThat(walk.block().lines()).as(walk.toString()).isNotEmpty();
        }
    }

    @Test
    void everyReasonIsOneOfTheKindsAndSaysWhy() {
        NotRunBlocks.LIST.forEach(
                (key, reason) -> assertThat(reason.why()).as(key).hasSizeGreaterThan(15));
    }
}

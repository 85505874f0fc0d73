package io.nundb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Markdown link in README.md and docs/*.md resolves: a relative link names a file of the
 * repository (never a path outside it) and, with {@code #anchor}, one of its headings; a link out of
 * the repository goes only to NunDB itself (its repository or its npm package), the project this
 * server is compatible with. Tools are named in text, not linked.
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Set<String> EXTERNAL_ALLOWED =
            Set.of("https://github.com/mateusfreira/nun-db", "https://www.npmjs.com/package/nun-db");

    @Test
    void everyLinkResolvesInsideTheRepository() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        List<String> broken = new ArrayList<>();
        for (Path doc : MarkdownBlocks.documents()) {
            String text = withoutCodeBlocks(Files.readString(doc));
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    if (!EXTERNAL_ALLOWED.contains(target)) {
                        broken.add(doc + ": link out of the repository " + target);
                    }
                    continue;
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty()
                        ? doc.toAbsolutePath()
                        : doc.toAbsolutePath().getParent().resolve(file).normalize();
                if (!resolved.startsWith(root) || !Files.exists(resolved)) {
                    broken.add(doc + ": " + target + " is not a file of the repository");
                } else if (anchor != null && !anchors(resolved).contains(anchor)) {
                    broken.add(doc + ": " + target + " names no heading of " + root.relativize(resolved));
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void anchorsAreGitHubStyle() {
        assertThat(slug("6. Deviations from NunDB (fixed on purpose)"))
                .isEqualTo("6-deviations-from-nundb-fixed-on-purpose");
        assertThat(slug("Run it, test it")).isEqualTo("run-it-test-it");
    }

    private static String withoutCodeBlocks(String text) {
        return text.replaceAll("(?s)```.*?```", "").replaceAll("`[^`\n]*`", "");
    }

    private static Set<String> anchors(Path markdown) throws Exception {
        Set<String> anchors = new java.util.HashSet<>();
        for (String line : withoutCodeBlocks(Files.readString(markdown)).split("\n")) {
            if (line.matches("^#{1,6} .*")) {
                anchors.add(slug(line.replaceFirst("^#+ ", "")));
            }
        }
        return anchors;
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
    static String slug(String heading) {
        return heading.strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[`*_]", "")
                .replaceAll("[^\\p{L}\\p{N} -]", "")
                .replace(' ', '-');
    }
}

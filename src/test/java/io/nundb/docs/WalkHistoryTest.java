package io.nundb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link WalkHistory}: a copy without history gets the commit a block checks out, and loses it again after. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WalkHistoryTest {

    @TempDir
    Path dir;

    @Test
    void theCommitsABlockChecksOutAreFound() {
        assertThat(WalkHistory.commits(List.of(
                        "git worktree add ../nundb-3ac8619 3ac8619 && (cd ../nundb-3ac8619 && ./mvnw -q -B package)",
                        "./mvnw -q -B test-compile exec:java@perf -Dperf.jar=\"$PWD/../nundb-3ac8619/target/x.jar\"",
                        "git worktree add --detach ../other 0123abcd0123abcd",
                        "git worktree remove --force ../nundb-3ac8619")))
                .containsExactly("3ac8619", "0123abcd0123abcd");
        assertThat(WalkHistory.commits(List.of("git worktree add ../feature main", "./mvnw -q -B package")))
                .isEmpty();
    }

    @Test
    void theCopyGetsTheCommitForAWorktreeNextToItAndLosesBothAfterwards() throws Exception {
        Path repository = repositoryWithTwoCommits();
        String old = git(repository, "rev-parse", "HEAD~1");
        String abbreviated = old.substring(0, 7);
        assertThat(WalkHistory.resolve(repository, abbreviated)).isEqualTo(old);
        Path copy = Files.createDirectories(dir.resolve("copy"));
        Files.writeString(copy.resolve("file.txt"), "new\n");

        WalkHistory.give(repository, copy, List.of(old));
        git(copy, "worktree", "add", "../old", abbreviated);
        assertThat(dir.resolve("old/file.txt")).hasContent("old");
        Files.writeString(dir.resolve("old/built.txt"), "what a build leaves");

        WalkHistory.take(copy);
        assertThat(dir.resolve("old")).doesNotExist();
        assertThat(copy.resolve(".git")).doesNotExist();
        assertThat(copy.resolve("file.txt")).hasContent("new");
        WalkHistory.take(copy); // a copy without .git stays as it is
        assertThat(copy.resolve("file.txt")).exists();
    }

    @Test
    void aShallowCloneWithoutTheCommitSaysSo() throws Exception {
        Path repository = repositoryWithTwoCommits();
        String old = git(repository, "rev-parse", "HEAD~1");
        Path shallow = dir.resolve("shallow");
        git(dir, "clone", "-q", "--depth", "1", repository.toUri().toString(), shallow.toString());

        assertThat(WalkHistory.resolve(shallow, old.substring(0, 7))).isNull();
        assertThat(WalkHistory.whyMissing(shallow, old.substring(0, 7)))
                .startsWith("commit " + old.substring(0, 7) + " is not in the history of ")
                .contains("a shallow clone: `git fetch --unshallow`");
        assertThat(WalkHistory.whyMissing(repository, "feedbee"))
                .startsWith("commit feedbee is not in the history of ")
                .doesNotContain("shallow");
    }

    private Path repositoryWithTwoCommits() throws Exception {
        Path repository = Files.createDirectories(dir.resolve("repository"));
        git(repository, "init", "-q");
        for (String content : List.of("old", "new")) {
            Files.writeString(repository.resolve("file.txt"), content + "\n");
            git(repository, "add", "file.txt");
            git(repository, "-c", "user.name=walk", "-c", "user.email=walk@example.com", "commit", "-q", "-m", content);
        }
        return repository;
    }

    private static String git(Path where, String... args) throws Exception {
        WalkHistory.Git git = WalkHistory.git(where, args);
        assertThat(git.exit()).as("git %s: %s", List.of(args), git.out()).isZero();
        return git.out().strip();
    }
}

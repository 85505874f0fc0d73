package io.nundb.docs;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The history a walked block needs: a block that checks out an older commit with {@code git worktree
 * add PATH COMMIT} runs in {@link DocsCommandWalkIT}'s copy of the repository, which has the files and
 * no {@code .git}. For that block the copy becomes a git repository holding just those commits,
 * fetched (depth 1) from the repository running the walk; afterwards the worktrees it added (even when
 * the block failed halfway) and the copy's {@code .git} are removed, so the blocks after it find the
 * copy as before. Plain Java, on the test thread.
 */
final class WalkHistory {

    private static final Pattern WORKTREE_ADD =
            Pattern.compile("git\\s+worktree\\s+add\\s+(?:-\\S+\\s+)*\\S+\\s+([0-9a-fA-F]{7,40})\\b");

    private WalkHistory() {}

    /** The commits the block's lines check out with {@code git worktree add}, as written (maybe abbreviated). */
    static Set<String> commits(List<String> lines) {
        Set<String> commits = new LinkedHashSet<>();
        for (String line : lines) {
            Matcher add = WORKTREE_ADD.matcher(line);
            while (add.find()) {
                commits.add(add.group(1));
            }
        }
        return commits;
    }

    /**
     * The full id of {@code commit} in {@code repository}'s history, or {@code null} if it is not there
     * (a shallow clone, or a history without it).
     */
    static String resolve(Path repository, String commit) throws IOException, InterruptedException {
        Git rev = git(repository, "rev-parse", "--verify", "--quiet", commit + "^{commit}");
        return rev.ok() ? rev.out().strip() : null;
    }

    /** Why {@code commit} cannot be given to the copy: it is not in {@code repository}'s history. */
    static String whyMissing(Path repository, String commit) throws IOException, InterruptedException {
        Git shallow = git(repository, "rev-parse", "--is-shallow-repository");
        return "commit " + commit + " is not in the history of " + repository.toAbsolutePath()
                + (shallow.out().strip().equals("true")
                        ? " (a shallow clone: `git fetch --unshallow` brings the history)"
                        : (shallow.ok()
                                ? ""
                                : " (not a git repository: " + shallow.out().strip() + ")"));
    }

    /** Makes {@code copy} a git repository holding {@code fullIds}, fetched from {@code repository}. */
    static void give(Path repository, Path copy, List<String> fullIds) throws IOException, InterruptedException {
        check(git(copy, "init", "-q"), "git init");
        List<String> fetch = new ArrayList<>(List.of(
                "fetch", "-q", "--depth", "1", repository.toAbsolutePath().toString()));
        fetch.addAll(fullIds);
        check(git(copy, fetch.toArray(String[]::new)), "git fetch of " + fullIds);
    }

    /**
     * Removes the worktrees added to {@code copy} (their directories, wherever the block put them) and
     * its {@code .git}; a copy that is not a git repository is left as it is.
     */
    static void take(Path copy) throws IOException, InterruptedException {
        Path dotGit = copy.resolve(".git");
        if (!Files.isDirectory(dotGit)) {
            return;
        }
        Path self = copy.toRealPath();
        List<Path> worktrees = git(copy, "worktree", "list", "--porcelain")
                .out()
                .lines()
                .filter(l -> l.startsWith("worktree "))
                .map(l -> Path.of(l.substring("worktree ".length())))
                .filter(Files::isDirectory)
                .toList();
        for (Path worktree : worktrees) {
            if (!self.startsWith(worktree.toRealPath())) { // the copy's own entry, or a directory holding it
                delete(worktree);
            }
        }
        delete(dotGit);
    }

    private static void delete(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** What a git command printed (standard output and error) and its exit code. */
    record Git(int exit, String out) {
        boolean ok() {
            return exit == 0;
        }
    }

    private static void check(Git git, String what) {
        if (!git.ok()) {
            throw new IllegalStateException(what + " failed (exit " + git.exit() + "): " + git.out());
        }
    }

    static Git git(Path where, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(where.toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Git(p.waitFor(), out);
    }
}

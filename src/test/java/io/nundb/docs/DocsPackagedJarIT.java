package io.nundb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the runnable blocks marked {@code jar} (```` ```sh runnable jar ````): commands that need the
 * packaged jar, such as {@code java -cp target/nundb-jvm-*.jar …}. Failsafe runs it in {@code verify}
 * after {@code package} has built the jar (surefire's {@link DocsExamplesTest} runs before it and
 * leaves these blocks out); the conventions are {@link BlockRunner}'s, against a {@link DocServer}
 * on port 0.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DocsPackagedJarIT {

    static Stream<Path> documentsWithJarBlocks() throws Exception {
        return MarkdownBlocks.documentsWith(MarkdownBlocks::runnableWithJar);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentsWithJarBlocks")
    void theBlocksThatNeedThePackagedJarRunAsShown(Path document, @TempDir Path dir) throws Exception {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "nundb-jvm-*.jar")) {
            assertThat(jars)
                    .as(
                            "one target/nundb-jvm-*.jar (failsafe runs after package; this test alone: ./mvnw -B"
                                    + " -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=DocsPackagedJarIT verify)")
                    .hasSize(1);
        }
        DocsExamplesTest.runInOrder(MarkdownBlocks.read(document).runnableWithJar(), dir);
    }
}

package io.nundb;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering of architecture.md: dependencies point inward, every package says what it is for. */
class ArchitectureTest {

    private static final String[] FRAMEWORKS = {"org.springframework..", "reactor..", "io.netty..", "io.rsocket.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // the main output directory only: scanning the whole classpath for the package is slow
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPath(Path.of("target/classes"));
        assertThat(classes.containPackage("io.nundb.command")).isTrue();
    }

    @Test
    void theCoreUsesNoFramework() {
        noClasses()
                .that()
                .resideInAnyPackage("io.nundb.protocol..", "io.nundb.storage..", "io.nundb.security..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS)
                .because("protocol, storage and security are plain Java (architecture.md)")
                .check(classes);
    }

    @Test
    void theEngineDoesNotKnowTransportsConfigOrCluster() {
        noClasses()
                .that()
                .resideInAPackage("io.nundb.command..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.nundb.transport..", "io.nundb.config..", "io.nundb.cluster..")
                .because("command owns the ports; cluster and transports plug into it")
                .check(classes);
    }

    @Test
    void theEngineUsesNoSpring() {
        noClasses()
                .that()
                .resideInAnyPackage("io.nundb.command..", "io.nundb.watch..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..")
                .because("the engine is wired with new by config, and tested without a context")
                .check(classes);
    }

    @Test
    void transportsGoThroughTheExecutorNotStorage() {
        noClasses()
                .that()
                .resideInAPackage("io.nundb.transport..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.nundb.storage..")
                .allowEmptyShould(true)
                .because("every transport calls CommandExecutor, the single door")
                .check(classes);
    }

    @Test
    void onlyTheRpcPackageOfTheClusterTalksRSocket() {
        noClasses()
                .that()
                .resideInAPackage("io.nundb.cluster..")
                .and()
                .resideOutsideOfPackage("io.nundb.cluster.rpc..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.rsocket..", "reactor.netty..", "io.netty..")
                .because("the cluster reaches peers through PeerTransport; cluster.rpc implements it over RSocket")
                .check(classes);
    }

    @Test
    void watchDependsOnlyOnProtocolAndStorageOfOurs() {
        noClasses()
                .that()
                .resideInAPackage("io.nundb.watch..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.nundb.command..",
                        "io.nundb.transport..",
                        "io.nundb.config..",
                        "io.nundb.cluster..",
                        "io.nundb.security..")
                .check(classes);
    }

    @Test
    void protocolDependsOnNothingOfOurs() {
        noClasses()
                .that()
                .resideInAPackage("io.nundb.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.nundb.command..",
                        "io.nundb.storage..",
                        "io.nundb.watch..",
                        "io.nundb.security..",
                        "io.nundb.config..")
                .check(classes);
    }

    /** Scans the source tree: every directory with Java sources has a package-info.java. */
    @Test
    void everyPackageHasAPackageInfo() throws IOException {
        Path root = Path.of("src/main/java/io/nundb");
        assertThat(root).isDirectory();
        List<Path> missing;
        try (Stream<Path> dirs = Files.walk(root)) {
            missing = dirs.filter(Files::isDirectory)
                    .filter(ArchitectureTest::hasJavaSources)
                    .filter(d -> !Files.exists(d.resolve("package-info.java")))
                    .toList();
        }
        assertThat(missing).as("packages without package-info.java").isEmpty();
    }

    private static boolean hasJavaSources(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

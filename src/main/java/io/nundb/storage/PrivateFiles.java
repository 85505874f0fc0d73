package io.nundb.storage;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory holds tokens and values: its directories are created {@code 0700} and its
 * files {@code 0600}, so other users of the machine cannot read them. On a file system without
 * POSIX permissions the platform's defaults apply.
 */
public final class PrivateFiles {

    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Attributes for a new file: owner read and write only. */
    public static FileAttribute<?>[] file() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /** Creates {@code dir} and its missing parents, each owner-only. */
    public static Path createDirectories(Path dir) throws IOException {
        return POSIX
                ? Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR))
                : Files.createDirectories(dir);
    }

    /** Makes an existing directory owner-only (the data directory may predate this node). */
    public static void restrictDirectory(Path dir) throws IOException {
        if (POSIX && Files.isDirectory(dir)) {
            Files.setPosixFilePermissions(dir, DIR);
        }
    }
}

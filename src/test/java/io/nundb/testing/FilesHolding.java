package io.nundb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Which files under a data directory hold a secret's bytes: what an attacker reading the disk would find. */
public final class FilesHolding {

    private FilesHolding() {}

    /** Every regular file under {@code dir} whose bytes contain {@code secret} in UTF-8. */
    public static List<Path> secret(Path dir, String secret) throws IOException {
        // ISO-8859-1 maps each byte to one char, so a substring search is a byte search
        String needle = new String(secret.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile)
                    .filter(p -> bytesOf(p).contains(needle))
                    .toList();
        }
    }

    private static String bytesOf(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

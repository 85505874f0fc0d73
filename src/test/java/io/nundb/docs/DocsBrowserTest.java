package io.nundb.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.testing.Chromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The docs' browser examples (fenced blocks marked {@code browser}) in headless Chromium against a
 * docs server: an {@code html} block is saved as a page and opened, a {@code js} block runs on a page
 * of the server's own origin (as its text asks); then another client changes {@code greeting} and
 * the page must show the new value ({@code html}) or log the change event ({@code js}). Skipped,
 * with the reason, without Chromium.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DocsBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void theBrowserExamplesSeeAChangeMadeElsewhere() throws Exception {
        List<MarkdownBlocks.Block> blocks = new ArrayList<>();
        for (Path doc : MarkdownBlocks.documents()) {
            MarkdownBlocks.read(doc).blocks().stream()
                    .filter(MarkdownBlocks.Block::browser)
                    .forEach(blocks::add);
        }
        assertThat(blocks).isNotEmpty();
        try (Chromium chromium = new Chromium(Files.createDirectory(dir.resolve("profile")));
                DocServer server = new DocServer(Files.createDirectory(dir.resolve("data")))) {
            assertThat(post(server, "auth nun nun-pwd; create-db demo demo-token"))
                    .isEqualTo("valid auth\n;create-db success\n");
            int n = 0;
            for (MarkdownBlocks.Block block : blocks) {
                String value = "from the docs test " + (++n);
                String code = server.substitute(block.text());
                switch (block.language()) {
                    case "html" -> {
                        Path page = dir.resolve("page-" + n + ".html");
                        Files.writeString(page, code);
                        chromium.browser.get(page.toUri().toString());
                        // the page asks for the current value once it is connected: wait for it, then change
                        await().atMost(WAIT)
                                .until(() -> !chromium.browser
                                        .findElement(By.tagName("body"))
                                        .getText()
                                        .contains("version ?"));
                        set(server, value);
                        await().atMost(WAIT)
                                .alias(block.where())
                                .until(() -> chromium.browser
                                        .findElement(By.tagName("body"))
                                        .getText()
                                        .contains(value));
                    }
                    case "js" -> {
                        chromium.browser.get("http://localhost:" + server.port("3013") + "/");
                        chromium.logs();
                        chromium.script(code);
                        // console.log(type, id, data) comes out as: <source> <line>:<col> "type" "id" {…}
                        List<String> logged = new ArrayList<>();
                        await().atMost(WAIT)
                                .alias(block.where() + ": the current event")
                                .until(() -> {
                                    logged.addAll(chromium.logs());
                                    return logged.stream().anyMatch(l -> l.contains("\"current\""));
                                });
                        set(server, value);
                        await().atMost(WAIT)
                                .alias(block.where() + ": the change event")
                                .until(() -> {
                                    logged.addAll(chromium.logs());
                                    return logged.stream().anyMatch(l -> l.contains("\"change\""));
                                });
                        System.out.println(block.where() + " logged " + logged);
                    }
                    default -> throw new AssertionError(block.where() + ": a browser block is html or js");
                }
            }
        }
    }

    private void set(DocServer server, String value) throws Exception {
        assertThat(post(server, "use-db demo demo-token; set greeting " + value))
                .isEqualTo("empty;empty");
    }

    private String post(DocServer server, String commands) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("3013") + "/"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(commands))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
}

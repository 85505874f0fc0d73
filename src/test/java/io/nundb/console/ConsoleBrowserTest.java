package io.nundb.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.testing.Chromium;
import io.nundb.testing.LineClient;
import io.nundb.transport.tcp.TcpListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web console in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs): log in, see the keys, edit a value, see another client's change arrive
 * live, and see a set-safe conflict reported. Saves {@code docs/console.png}, the README's picture.
 * Skipped, with the reason, where Chromium or its driver is not installed.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0"
        })
@Timeout(value = 3, unit = TimeUnit.MINUTES)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class ConsoleBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry r) {
        r.add("nundb.dbs-dir", () -> dir.resolve("data").toString());
    }

    @LocalServerPort
    int port;

    @TempDir
    Path profile;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Autowired
    TcpListener tcp;

    private Chromium chromium;
    private WebDriver browser;

    @BeforeEach
    void openBrowser() {
        chromium = new Chromium(profile);
        browser = chromium.browser;
    }

    @AfterEach
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private HttpResponse<String> rest(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String key, String value) throws Exception {
        return rest("PUT", "/api/v1/dbs/shop/keys/" + key, value, "Authorization", "Bearer shop-token");
    }

    private WebElement row(String key) {
        return browser.findElement(By.cssSelector("tr[data-key='" + key + "']"));
    }

    private String shown(String key) {
        return row(key).findElement(By.cssSelector("td.value input")).getDomProperty("value");
    }

    private Object script(String js) {
        return chromium.script(js);
    }

    @Test
    void logInSeeKeysEditWatchLiveAndSeeAConflictReported() throws Exception {
        String admin = "Basic " + Base64.getEncoder().encodeToString("nun:nun-pwd".getBytes(StandardCharsets.UTF_8));
        assertThat(rest(
                                "POST",
                                "/api/v1/dbs",
                                "{\"name\":\"shop\",\"token\":\"shop-token\"}",
                                "Authorization",
                                admin,
                                "Content-Type",
                                "application/json")
                        .statusCode())
                .isEqualTo(201);
        assertThat(put("cart", "apples").statusCode()).isEqualTo(200);
        assertThat(put("customer", "Mary Jane").statusCode()).isEqualTo(200);
        assertThat(put("greeting", "hello").statusCode()).isEqualTo(200);

        // A plain POST / is still NunDB's command door.
        assertThat(rest("POST", "/", "use-db shop shop-token; get cart").body()).isEqualTo("empty;value apples\n");

        HttpResponse<String> page = rest("GET", "/", null, "Accept", "text/html");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("<title>NunDB console</title>");
        for (String asset : new String[] {"/console.js", "/console.css"}) {
            assertThat(rest("GET", asset, null).statusCode()).as(asset).isEqualTo(200);
        }
        browser.get("http://127.0.0.1:" + port + "/");
        assertThat(browser.getTitle()).isEqualTo("NunDB console");
        browser.findElement(By.id("login-db")).sendKeys("shop");
        browser.findElement(By.id("login-token")).sendKeys("wrong");
        browser.findElement(By.cssSelector("#login button")).click();
        await().atMost(WAIT)
                .until(() -> browser.findElement(By.id("login-error")).getText(), t -> t.contains("Invalid token"));

        browser.findElement(By.id("login-token")).clear();
        browser.findElement(By.id("login-token")).sendKeys("shop-token");
        browser.findElement(By.cssSelector("#login button")).click();
        await().atMost(WAIT)
                .until(() -> browser.findElements(By.cssSelector("tr[data-key='greeting']"))
                                .size()
                        == 1);
        assertThat(browser.findElement(By.id("login")).isDisplayed()).isFalse();
        assertThat(shown("cart")).isEqualTo("apples");
        assertThat(shown("customer")).isEqualTo("Mary Jane");
        await().atMost(WAIT).until(() -> browser.findElement(By.id("live")).getText(), "live"::equals);

        // filter by pattern
        browser.findElement(By.id("filter")).sendKeys("c*");
        assertThat(row("greeting").isDisplayed()).isFalse();
        assertThat(row("cart").isDisplayed()).isTrue();
        browser.findElement(By.id("filter")).clear();
        browser.findElement(By.id("filter")).sendKeys(" ");
        browser.findElement(By.id("filter")).clear();
        await().atMost(WAIT).until(() -> row("greeting").isDisplayed());

        // edit a value: set-safe with the shown version
        WebElement cart = row("cart").findElement(By.cssSelector("td.value input"));
        cart.clear();
        cart.sendKeys("pears");
        row("cart").findElement(By.cssSelector("button.save")).click();
        await().atMost(WAIT)
                .until(() -> browser.findElement(By.id("status")).getText(), t -> t.startsWith("Saved cart"));
        assertThat(rest("GET", "/api/v1/dbs/shop/keys/cart", null, "Authorization", "Bearer shop-token")
                        .body())
                .contains("\"value\":\"pears\"");

        // another client's change arrives live, highlighted
        assertThat(put("customer", "Amanda").statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> shown("customer"), "Amanda"::equals);
        assertThat(row("customer").getDomAttribute("class")).contains("changed");
        assertThat(put("visits", "1").statusCode()).isEqualTo(200);
        await().atMost(WAIT)
                .until(() -> browser.findElements(By.cssSelector("tr[data-key='visits']"))
                                .size()
                        == 1);

        // a concurrent change while editing is reported on save, not overwritten
        WebElement greeting = row("greeting").findElement(By.cssSelector("td.value input"));
        greeting.clear();
        greeting.sendKeys("hi from the console");
        assertThat(put("greeting", "hi from elsewhere").statusCode()).isEqualTo(200);
        await().atMost(WAIT)
                .until(
                        () -> row("greeting")
                                .findElement(By.cssSelector("td.version"))
                                .getText(),
                        t -> t.contains("elsewhere"));
        row("greeting").findElement(By.cssSelector("button.save")).click();
        await().atMost(WAIT)
                .until(() -> browser.findElement(By.id("status")).getText(), t -> t.startsWith("Conflict on greeting"));
        assertThat(rest("GET", "/api/v1/dbs/shop/keys/greeting", null, "Authorization", "Bearer shop-token")
                        .body())
                .contains("\"value\":\"hi from elsewhere\"");
        await().atMost(WAIT).until(() -> shown("greeting"), "hi from elsewhere"::equals);

        // a phone's width: nothing wider than the screen
        browser.manage().window().setSize(new Dimension(390, 800));
        await().atMost(WAIT).until(chromium::fitsTheWidth);
        assertThat(row("greeting").findElement(By.cssSelector("button.save")).isDisplayed())
                .isTrue();
        browser.manage().window().setSize(new Dimension(1000, 640));

        chromium.screenshot(Path.of("docs/console.png"));
    }

    /**
     * The admin view: databases with their count, open connections per transport, the keys another
     * client watches (arriving by the page's own refresh, no click), "not clustered" on this lone
     * node, and a phone's width. Saves {@code docs/console-admin.png}.
     */
    @Test
    void theAdminSeesDatabasesConnectionsWatchesAndTheNode() throws Exception {
        assertThat(rest("POST", "/", "auth nun nun-pwd; create-db admin-view av-token newer")
                        .body())
                .isEqualTo("valid auth\n;create-db success\n");
        browser.get("http://127.0.0.1:" + port + "/");
        browser.findElement(By.id("admin-user")).sendKeys("nun");
        browser.findElement(By.id("admin-pwd")).sendKeys("not-it");
        browser.findElement(By.cssSelector("#admin-login button")).click();
        await().atMost(WAIT)
                .until(() -> browser.findElement(By.id("admin-error")).getText(), t -> t.contains("invalid auth"));
        // the endpoint itself is the admin's only
        assertThat(rest("GET", "/api/v1/node", null, "Authorization", "Bearer av-token")
                        .statusCode())
                .isEqualTo(401);

        try (LineClient other = new LineClient(tcp.port())) {
            assertThat(other.call("use-db admin-view av-token")).isNotEmpty();
            other.call("watch color");
            AdminPage admin = new AdminPage(browser).logIn(port, "nun", "nun-pwd");
            List<String> dbs = admin.rows("dbs");
            assertThat(dbs).contains("admin-view newer");
            assertThat(admin.text("db-count")).isEqualTo("(" + dbs.size() + ")");
            assertThat(admin.rows("connections"))
                    .as("the other client's TCP connection")
                    .anySatisfy(r -> assertThat(r).matches("tcp [1-9][0-9]*"));
            assertThat(admin.rows("watches")).containsExactly("admin-view color 1");
            assertThat(admin.text("watch-count")).isEqualTo("(1)");
            assertThat(admin.text("cluster-summary")).startsWith("Not clustered");
            assertThat(browser.findElement(By.id("members-table")).isDisplayed())
                    .isFalse();
            assertThat(admin.text("metrics")).startsWith("metrics-state ");

            // a new watch shows up by the page's own polling
            other.call("watch size");
            await().atMost(AdminPage.WAIT).until(() -> admin.rows("watches"), r -> r.contains("admin-view size 1"));
            assertThat(admin.text("watch-count")).isEqualTo("(2)");
            assertThat(admin.text("admin-updated")).startsWith("Updated ");

            // keyboard: the refresh button has the focus, the auto-refresh box is labelled
            assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("admin-refresh");
            assertThat(browser.findElement(By.cssSelector("label:has(#admin-auto)"))
                            .getText())
                    .contains("Refresh every");

            browser.manage().window().setSize(new Dimension(390, 800));
            await().atMost(WAIT).until(chromium::fitsTheWidth);
            browser.manage().window().setSize(new Dimension(1000, 1200));
            chromium.screenshot(Path.of("docs/console-admin.png"));
        }
        // the connection closed: its watches go, and the page sees it
        await().atMost(AdminPage.WAIT)
                .until(() -> new AdminPage(browser).rows("watches"), r -> r.equals(List.of("no key is watched")));
    }
}

package io.nundb.console;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/** The console's admin view as a test reads it: log in, then the tables' rows as text. Test thread. */
final class AdminPage {

    static final Duration WAIT = Duration.ofSeconds(30);

    private final WebDriver browser;

    AdminPage(WebDriver browser) {
        this.browser = browser;
    }

    /** Opens the console at {@code httpPort} and logs in as the admin; returns once the admin view shows. */
    AdminPage logIn(int httpPort, String user, String pwd) {
        browser.get("http://127.0.0.1:" + httpPort + "/");
        browser.findElement(By.id("admin-user")).sendKeys(user);
        browser.findElement(By.id("admin-pwd")).sendKeys(pwd);
        browser.findElement(By.cssSelector("#admin-login button")).click();
        await().atMost(WAIT).until(() -> browser.findElement(By.id("admin")).isDisplayed());
        return this;
    }

    /**
     * The rows of the table whose body has {@code tbodyId}, each as its cells' texts joined by a
     * space; read in one script call, as the page's refresh replaces the rows every few seconds.
     */
    @SuppressWarnings("unchecked")
    List<String> rows(String tbodyId) {
        return (List<String>) ((JavascriptExecutor) browser)
                .executeScript(
                        "return [...document.querySelectorAll('#' + arguments[0] + ' tr')]"
                                + ".map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent).join(' '))",
                        tbodyId);
    }

    String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }
}

package io.nundb.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium from Debian's {@code chromium} and {@code chromium-driver} packages (which
 * {@code .ci/run} installs) for the console tests; skips the calling test, with the reason, where
 * they are not installed. Used on the test thread, by the console tests and the docs test.
 */
public final class Chromium implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    public final WebDriver browser;

    /** A fresh browser with its profile under {@code profile}; the calling test is skipped without Chromium. */
    public Chromium(Path profile) {
        assumeTrue(
                Files.isExecutable(BINARY) && Files.isExecutable(DRIVER),
                "No Chromium here (" + BINARY + ", " + DRIVER + "): console browser test skipped. "
                        + "apt-get install chromium chromium-driver (.ci/run does), then re-run.");
        ChromeOptions options = new ChromeOptions()
                .setBinary(BINARY.toFile())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--window-size=1000,640",
                        "--user-data-dir=" + profile.resolve("chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    public Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    /** True when nothing on the page is wider than the window (no sideways scrolling). */
    public boolean fitsTheWidth() {
        return Boolean.TRUE.equals(script("return document.documentElement.scrollWidth <= window.innerWidth"));
    }

    /** Saves what the window shows, from the top of the page, as a PNG at {@code target}. */
    public void screenshot(Path target) throws java.io.IOException {
        script("window.scrollTo(0, 0)");
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(shot);
    }

    /** What the page logged since the last call ({@code console.log} and script errors), one entry a line. */
    public java.util.List<String> logs() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(e -> e.getMessage())
                .toList();
    }

    @Override
    public void close() {
        // What the page logged (script errors above all): printed into the test's report.
        logs().forEach(e -> System.out.println("browser: " + e));
        browser.quit();
    }
}

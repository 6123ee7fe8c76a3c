package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real status page in headless Chromium (Debian's chromium and chromium-driver; no driver is downloaded): it
 * shows the tenant's endpoints and devices, and a failover and a pairing QR code appear as the health monitor
 * publishes them, without a reload. Leaves a screenshot in target/status-page.png.
 */
@KafkaAndRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageIT {
    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    static final Path SCREENSHOT = Paths.get("target", "status-page.png");
    static final Duration WAIT = Duration.ofSeconds(30);

    final Infra infra;
    LiveStack stack;
    LiveStack.Tenant tenant;
    ChromeDriverService service;
    WebDriver browser;
    Path profile;

    StatusPageIT(Infra infra) {
        this.infra = infra;
    }

    @BeforeAll
    void start() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("StatusPageIT drives the status page in headless Chromium and needs %s and %s; install them "
                        + "with: apt-get update && apt-get install -y chromium chromium-driver", CHROMIUM, CHROMEDRIVER)
                .isTrue();
        stack = new LiveStack(infra);
        tenant = stack.tenant("studio");
        stack.health(tenant, HealthState.HEALTHY, 87L, null);
        stack.device(tenant, DeviceStatus.DISCONNECTED, null);
        stack.start(Map.of(), tenant);

        profile = Files.createTempDirectory("status-page-chromium-");
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()) // a given driver: Selenium Manager is not asked
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1200", "--user-data-dir=" + profile);
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (stack != null) {
            stack.close();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void showsTheTenantAndThenAFailoverAndAPairingQrCodeWithoutAReload() throws Exception {
        browser.get(stack.url("/status/" + tenant.id() + "#key=" + tenant.key()).toString());
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "live"));
        WebElement endpoint = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-endpoint-id='" + tenant.endpointId() + "']")));
        assertThat(endpoint.getText()).contains("healthy", "87 ms");
        assertThat(browser.findElement(By.cssSelector("[data-device-id='" + tenant.deviceId() + "']")).getText())
                .contains("Front desk", "disconnected");
        assertThat(browser.getCurrentUrl()).as("the key leaves the address bar").doesNotContain("key=", "#");
        ((JavascriptExecutor) browser).executeScript("window.sameDocument = true;");

        String failover = stack.failover(tenant, "primary " + tenant.endpointId()
                + " unhealthy since 2026-03-01T10:00:00Z; in effect ep_backup000000000");
        stack.health(tenant, HealthState.UNHEALTHY, 1234L, "connect timed out");
        stack.deviceEvent(tenant, DeviceStatus.PAIRING, "2@status-page-qr,abc,def");

        WebElement shown = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#failovers li[data-event-id='" + failover + "']")));
        WebElement qr = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-device-id='" + tenant.deviceId() + "'] img.qr")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-endpoint-id='" + tenant.endpointId() + "']"), "1234 ms"));
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "return arguments[0].complete && arguments[0].naturalWidth > 0;", qr));

        assertThat(shown.getText()).contains("FAILOVER", "in effect ep_backup000000000");
        assertThat(qr.getAttribute("data-qr")).isEqualTo("2@status-page-qr,abc,def");
        assertThat(qr.getAttribute("src")).startsWith("data:image/png;base64,");
        assertThat(browser.findElement(By.cssSelector("tr[data-endpoint-id='" + tenant.endpointId() + "']"))
                .getText()).contains("unhealthy", "connect timed out");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.sameDocument === true;"))
                .as("updated without a reload").isEqualTo(true);

        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(SCREENSHOT)).isPositive();
    }

    @Test
    void aKeyThatIsRefusedBringsUpTheFormAgain() {
        browser.get("about:blank"); // a new document, whatever the other test left
        browser.get(stack.url("/status/" + tenant.id() + "#key=wak_key_0000000000000000_"
                + "0".repeat(40)).toString());
        WebDriverWait wait = new WebDriverWait(browser, WAIT);

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-form")));
        assertThat(browser.findElement(By.id("message")).getText()).contains("refused");
        assertThat(browser.findElement(By.id("status")).isDisplayed()).isFalse();
    }
}

package io.mmaas.system.console;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.mmaas.controlplane.testing.JavaProcess;
import io.mmaas.controlplane.testing.SystemPackages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Headless Debian chromium driven by Playwright for Java; Playwright's own browser download is never used. */
final class Chromium implements AutoCloseable {
  static final Path EXECUTABLE = Path.of(System.getProperty("mmaas.chromium", "/usr/bin/chromium"));
  static final Path SCREENSHOTS = JavaProcess.repoRoot().resolve("system-tests/target/screenshots");

  final Playwright playwright;
  final Browser browser;

  Chromium() {
    if (System.getProperty("mmaas.chromium") == null) {
      SystemPackages.require("chromium", EXECUTABLE);
    }
    if (!Files.isExecutable(EXECUTABLE)) {
      throw new IllegalStateException(EXECUTABLE + " is missing or not executable (-Dmmaas.chromium)");
    }
    playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(EXECUTABLE)
        .setHeadless(true)
        .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run")));
  }

  /** A fresh page in a context of its own (no cookies shared with other users), 1280 wide. */
  Page newUser() {
    return browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)).newPage();
  }

  static void screenshot(Page page, String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}

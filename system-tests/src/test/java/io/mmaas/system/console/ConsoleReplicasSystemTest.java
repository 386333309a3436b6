package io.mmaas.system.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.Cookie;
import io.mmaas.controlplane.testing.JavaProcess;
import io.mmaas.controlplane.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two packaged web consoles with the same {@code MMAAS_CONSOLE_SESSION_KEYS} on one real control plane, driven by
 * headless Chromium. Both listen on 127.0.0.1 on their own ports, and a browser sends a host's cookies to every port
 * of it, so switching between the two URLs is what a balancer without sticky sessions does to a browser.
 */
@DisplayName("System: console sessions across two console processes and a restart, in a real browser")
class ConsoleReplicasSystemTest {
  private static final Path PROCESS_LOGS = JavaProcess.repoRoot().resolve("system-tests/target/process-logs");
  private static final String ADMIN_PASSWORD = "console-replicas-admin-password";
  private static final String KEYS = "rep1:console-replicas-session-secret-0123456789";

  static TestDatabase db;
  static JavaProcess controlPlane;
  static JavaProcess first;
  static JavaProcess second;
  static Chromium chromium;
  static String adminUrl;

  @BeforeAll
  static void startSystem() throws Exception {
    db = TestDatabase.create();
    Path data = Files.createTempDirectory("mmaas-console-replicas-");
    Map<String, String> env = new HashMap<>();
    env.put("MMAAS_DATABASE_URL", db.url());
    env.put("MMAAS_ROLES", "admin");
    env.put("MMAAS_ADMIN_PORT", "0");
    env.put("MMAAS_AGENT_API_PORT", "0");
    env.put("MMAAS_JWT_SECRET", "console-replicas-jwt-secret-0123456789abcdef");
    env.put("MMAAS_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("MMAAS_DATA_DIR", data.resolve("control-plane").toString());
    controlPlane = JavaProcess.start("replicas-control-plane", "control-plane", "384m", PROCESS_LOGS, env);
    String ports = controlPlane.awaitLog("control plane ready: (admin API .*)", Duration.ofSeconds(90));
    Matcher m = Pattern.compile("http://127.0.0.1:(\\d+)").matcher(ports);
    m.find();
    adminUrl = "http://127.0.0.1:" + m.group(1);
    first = console("replicas-console-1");
    second = console("replicas-console-2");
    chromium = new Chromium();
  }

  @AfterAll
  static void stopSystem() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    for (JavaProcess p : new JavaProcess[] {first, second, controlPlane}) {
      if (p != null) {
        p.close();
      }
    }
    if (db != null) {
      db.close();
    }
  }

  private static JavaProcess console(String name) throws Exception {
    return JavaProcess.start(name, "web-console", "256m", PROCESS_LOGS, Map.of("MMAAS_CONSOLE_PORT", "0",
        "MMAAS_CONSOLE_API_URL", adminUrl, "MMAAS_CONSOLE_SESSION_KEYS", KEYS));
  }

  private static String url(JavaProcess console) throws Exception {
    return "http://127.0.0.1:" + console.awaitLog("web console listening on http://127.0.0.1:(\\d+)/",
        Duration.ofSeconds(60));
  }

  @Test
  @DisplayName("Signed in on one console, the browser is signed in on the other and on a restarted first one; "
      + "a password change and a sign-out on one end sessions on both")
  void sessionsAcrossConsoles() throws Exception {
    String one = url(first);
    String two = url(second);
    Page page = chromium.newUser();
    page.navigate(one + "/login");
    page.fill("#username", "admin");
    page.fill("#password", ADMIN_PASSWORD);
    page.click("#sign-in");
    assertThat(page.locator("#current-user")).hasText("admin");

    page.navigate(two + "/tenants");
    assertThat(page.locator("#current-user")).hasText("admin");
    assertThat(page.locator("#nav-tenants")).isVisible();

    first.close();
    first = console("replicas-console-1-restarted");
    String oneAgain = url(first);
    page.navigate(oneAgain + "/");
    assertThat(page.locator("#current-user")).hasText("admin");

    Page other = chromium.newUser();
    other.navigate(two + "/login");
    other.fill("#username", "admin");
    other.fill("#password", ADMIN_PASSWORD);
    other.click("#sign-in");
    assertThat(other.locator("#current-user")).hasText("admin");

    page.navigate(oneAgain + "/account/password");
    page.fill("#current-password", ADMIN_PASSWORD);
    page.fill("#new-password", ADMIN_PASSWORD + "-new");
    page.fill("#confirm-password", ADMIN_PASSWORD + "-new");
    page.click("#change-password");
    assertThat(page.locator("#notice")).containsText("Password changed");
    other.navigate(oneAgain + "/");
    assertThat(other.locator("#login-form")).isVisible();
    other.navigate(two + "/");
    assertThat(other.locator("#login-form")).isVisible();
    assertThat(other.context().cookies()).noneMatch(c -> c.name.equals("mmaas_session"));

    page.navigate(two + "/");
    assertThat(page.locator("#current-user")).hasText("admin");
    List<Cookie> signedIn = page.context().cookies();
    page.click("#sign-out");
    assertThat(page.locator("#login-form")).isVisible();
    Page replay = chromium.newUser();
    replay.context().addCookies(signedIn);
    replay.navigate(oneAgain + "/tenants");
    // the signed-out cookie, replayed on the other console
    assertThat(replay.locator("#login-form")).isVisible();
  }
}

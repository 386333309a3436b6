package io.mmaas.system.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Dialog;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.mmaas.controlplane.testing.JavaProcess;
import io.mmaas.controlplane.testing.TestDatabase;
import io.mmaas.onnx.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Each role's main journey through the web console in headless Chromium, against the packaged control plane,
 * console and runtime agent as real processes on a fresh PostgreSQL database. The platform admin sets up a tenant,
 * users and an agent; the tenant admin uploads, deploys, issues a key and calls the model from the playground, then
 * rolls a second version out as a canary and promotes it, moves an alias across an incompatible signature and reads
 * the usage charts; the platform admin changes the quota; the auditor reads, filters, exports and verifies the audit
 * log. Screenshots of the main pages land in target/screenshots.
 */
@DisplayName("System: the web console's journeys in a real browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserSystemTest {
  private static final Path PROCESS_LOGS = JavaProcess.repoRoot().resolve("system-tests/target/process-logs");
  static final String ADMIN_PASSWORD = "console-system-admin-password";
  static final String TENANT_ADMIN_PASSWORD = "tenant-admin-password-1";
  static final String AUDITOR_PASSWORD = "auditor-password-12345";
  static final String SCRIPT = "<script>alert('xss')</script>";
  static final double WAIT_MS = 60_000;

  static TestDatabase db;
  static JavaProcess controlPlane;
  static JavaProcess console;
  static JavaProcess agent;
  static Chromium chromium;
  static String consoleUrl;
  static String agentApiUrl;
  static Path data;
  static final List<String> alerts = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startSystem() throws Exception {
    Files.createDirectories(Chromium.SCREENSHOTS);
    db = TestDatabase.create();
    data = Files.createTempDirectory("mmaas-console-system-");
    Map<String, String> env = new HashMap<>();
    env.put("MMAAS_DATABASE_URL", db.url());
    env.put("MMAAS_ADMIN_PORT", "0");
    env.put("MMAAS_GATEWAY_PORT", "0");
    env.put("MMAAS_AGENT_API_PORT", "0");
    env.put("MMAAS_JWT_SECRET", "console-system-jwt-secret-0123456789abcdef");
    env.put("MMAAS_AGENT_SERVING_SECRET", "console-system-agent-secret-0123456789abc");
    env.put("MMAAS_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("MMAAS_DATA_DIR", data.resolve("control-plane").toString());
    env.put("MMAAS_SCHEDULER_INTERVAL_MS", "250");
    env.put("MMAAS_USAGE_FLUSH_MS", "500");
    controlPlane = JavaProcess.start("control-plane", "control-plane", "512m", PROCESS_LOGS, env);
    String ports = controlPlane.awaitLog("control plane ready: (admin API .*)", Duration.ofSeconds(90));
    Matcher m = Pattern.compile("http://127.0.0.1:(\\d+)").matcher(ports);
    m.find();
    String adminUrl = "http://127.0.0.1:" + m.group(1);
    m.find();
    String gatewayUrl = "http://127.0.0.1:" + m.group(1);
    m.find();
    agentApiUrl = "http://127.0.0.1:" + m.group(1);
    console = JavaProcess.start("web-console", "web-console", "512m", PROCESS_LOGS, Map.of("MMAAS_CONSOLE_PORT", "0",
        "MMAAS_CONSOLE_API_URL", adminUrl, "MMAAS_CONSOLE_GATEWAY_URL", gatewayUrl));
    consoleUrl = "http://127.0.0.1:" + console.awaitLog("web console listening on http://127.0.0.1:(\\d+)/",
        Duration.ofSeconds(60));
    chromium = new Chromium();
  }

  @AfterAll
  static void stopSystem() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    for (JavaProcess p : new JavaProcess[] {agent, console, controlPlane}) {
      if (p != null) {
        p.close();
      }
    }
    if (db != null) {
      db.close();
    }
  }

  static Page signIn(String username, String password) {
    Page page = chromium.newUser();
    page.onDialog(ConsoleBrowserSystemTest::dialog);
    page.navigate(consoleUrl + "/login");
    page.fill("#username", username);
    page.fill("#password", password);
    page.click("#sign-in");
    assertThat(page.locator("#current-user")).hasText(username);
    return page;
  }

  /** Confirmations are accepted; an alert would mean a stored script ran, and is recorded. */
  static void dialog(Dialog d) {
    if ("alert".equals(d.type())) {
      alerts.add(d.message());
    }
    d.accept();
  }

  /** Reloads until the locator's text contains {@code text}: replicas and agents change on their own schedule. */
  static void reloadUntil(Page page, String selector, String text, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (!page.locator(selector).allTextContents().toString().contains(text)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(selector + " never showed '" + text + "': " + page.locator(selector).allTextContents());
      }
      page.waitForTimeout(300);
      page.reload();
    }
  }

  @Test
  @Order(1)
  @DisplayName("A platform admin creates a tenant, its admin and an auditor, and enrolls an agent that then shows in the fleet")
  void platformAdmin() throws Exception {
    Page login = chromium.newUser();
    login.navigate(consoleUrl + "/login");
    Chromium.screenshot(login, "01-sign-in");
    Page page = signIn("admin", ADMIN_PASSWORD);
    Chromium.screenshot(page, "02-overview-platform-admin");

    page.click("#nav-tenants");
    page.fill("#create-tenant input[name=name]", "acme");
    page.fill("#create-tenant input[name=displayName]", SCRIPT);
    page.click("#create-tenant-submit");
    assertThat(page.locator("#notice")).containsText("Tenant acme created");
    assertThat(page.locator("tr[data-tenant=acme] .tenant-display-name")).hasText(SCRIPT);
    Chromium.screenshot(page, "03-tenants");

    page.click("tr[data-tenant=acme] .tenant-name a");
    page.click("nav.tabs >> text=Users");
    page.fill("#create-user input[name=username]", "tina");
    page.selectOption("#create-user select[name=role]", "tenant_admin");
    page.fill("#create-user input[name=password]", TENANT_ADMIN_PASSWORD);
    page.click("#create-user-submit");
    assertThat(page.locator("#notice")).containsText("User tina@acme created");

    page.click("#nav-users");
    page.fill("#create-user input[name=username]", "audrey");
    page.selectOption("#create-user select[name=role]", "auditor");
    page.fill("#create-user input[name=password]", AUDITOR_PASSWORD);
    page.click("#create-user-submit");
    assertThat(page.locator("tr[data-user=audrey]")).containsText("Auditor");
    Chromium.screenshot(page, "04-users");

    page.click("#nav-agents");
    page.fill("#create-enrollment-token input[name=name]", "browser-enrolled");
    page.click("#create-enrollment-token-submit");
    String token = page.locator("#secret-value").textContent();
    assertThat(token).isNotBlank();
    Chromium.screenshot(page, "05-enrollment-token");
    agent = JavaProcess.start("runtime-agent", "runtime-agent", "512m", PROCESS_LOGS, Map.of(
        "MMAAS_AGENT_CONTROL_PLANE_URL", agentApiUrl,
        "MMAAS_AGENT_ENROLLMENT_TOKEN", token,
        "MMAAS_AGENT_NAME", "gpu-node-1",
        "MMAAS_AGENT_PORT", "0",
        "MMAAS_AGENT_DATA_DIR", data.resolve("agent").toString()));
    page.click("#secret-back");
    reloadUntil(page, "section.agent", "READY", Duration.ofSeconds(60));
    assertThat(page.locator("section[data-agent=gpu-node-1] .agent-eps")).containsText("CPU");
    assertThat(page.locator("section[data-agent=gpu-node-1] meter").first()).isVisible();
    assertThat(alerts).isEmpty();
  }

  @Test
  @Order(2)
  @DisplayName("A tenant admin uploads a model with a progress bar, deploys it, issues a key and calls the model from the playground")
  void tenantAdmin() throws Exception {
    Page page = signIn("tina@acme", TENANT_ADMIN_PASSWORD);
    page.click("#nav-models");
    page.fill("#create-model input[name=name]", "scorer");
    page.fill("#create-model input[name=description]", SCRIPT);
    page.click("#create-model-submit");
    assertThat(page.locator("#model-description")).hasText(SCRIPT);

    Path model = data.resolve("scorer.onnx");
    Files.write(model, OnnxModels.mlp(4, 8, 3, 1234));
    page.setInputFiles("#upload-file", model);
    page.click("#upload-submit");
    page.waitForURL("**/versions/1", new Page.WaitForURLOptions().setTimeout(WAIT_MS));
    assertThat(page.locator("#inputs")).containsText("[?, 4]");
    Chromium.screenshot(page, "06-version-signature");

    page.click("#deploy-version-submit");
    assertThat(page.locator("#notice")).containsText("Deployment of scorer v1 created");
    reloadUntil(page, ".replica-state", "READY", Duration.ofSeconds(90));
    assertThat(page.locator("#deployment-ready")).hasText("1 of 1");
    Chromium.screenshot(page, "07-deployment");

    page.click("#nav-keys");
    page.fill("#create-key input[name=name]", "playground key");
    page.fill("#create-key input[name=models]", "scorer");
    page.click("#create-key-submit");
    String key = page.locator("#secret-value").textContent();
    assertThat(key).startsWith("mmaas_");
    Chromium.screenshot(page, "08-api-key-secret");
    page.click("#secret-back");
    assertThat(page.locator("#keys")).not().containsText(key);
    Chromium.screenshot(page, "09-api-keys");

    page.click("#nav-playground");
    page.fill("#playground-key", key);
    page.fill("#playground-request", "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
        + "\"data\":[5.1,3.5,1.4,0.2]}]}");
    page.click("#playground-send");
    assertThat(page.locator("#playground-status")).hasText("200");
    assertThat(page.locator("#playground-result")).containsText("\"output\"");
    assertThat(page.content()).doesNotContain(key);
    Chromium.screenshot(page, "10-playground");

    page.click("#nav-keys");
    page.click("tr[data-key='playground key'] .key-revoke");
    assertThat(page.locator("#notice")).containsText("revoked");
    assertThat(page.locator("tr[data-key='playground key']")).containsText("revoked");

    page.click("#nav-overview");
    assertThat(page.locator("#deployments-attention")).containsText("All 1 ready");
    Chromium.screenshot(page, "11-overview-tenant-admin");

    page.click("#nav-password");
    page.fill("#current-password", TENANT_ADMIN_PASSWORD);
    page.fill("#new-password", TENANT_ADMIN_PASSWORD + "-new");
    page.fill("#confirm-password", TENANT_ADMIN_PASSWORD + "-new");
    page.click("#change-password");
    assertThat(page.locator("#notice")).containsText("Password changed");
    page.click("#sign-out");
    assertThat(page.locator("#login-form")).isVisible();
    page.navigate(consoleUrl + "/tenants/acme/api-keys");
    assertThat(page.locator("#login-form")).isVisible();
    assertThat(alerts).isEmpty();
  }

  @Test
  @Order(3)
  @DisplayName("A tenant admin rolls v2 out as a canary and promotes it, forces an alias across an incompatible signature, and reads usage; a platform admin raises the quota")
  void rolloutAliasesUsage() throws Exception {
    Page page = signIn("tina@acme", TENANT_ADMIN_PASSWORD + "-new");
    upload(page, OnnxModels.mlp(4, 8, 3, 99), "scorer-v2.onnx", 2);

    page.click("#nav-deployments");
    page.click("tr[data-deployment=scorer] a");
    page.selectOption("#rollout-version", "2");
    page.fill("#rollout-weight", "20");
    page.click("#rollout-submit");
    assertThat(page.locator("#notice")).containsText("Rolling out v2 to 20%");
    assertThat(page.locator("#deployment-traffic")).hasText("v1 80% · v2 20%");
    reloadUntil(page, "tr[data-version='2'] .target-ready", "1 / 1", Duration.ofSeconds(90));
    assertThat(page.locator("#rollback")).isVisible();
    Chromium.screenshot(page, "15-canary-rollout");

    page.click("tr[data-version='2'] .target-promote");
    assertThat(page.locator("#notice")).containsText("Promoting v2");
    assertThat(page.locator("#deployment-traffic")).hasText("v2");
    reloadUntil(page, "tr[data-version='2'] .target-ready", "1 / 1", Duration.ofSeconds(90));
    assertThat(page.locator("tr[data-version='2'] .weight-text")).hasText("100%");
    Chromium.screenshot(page, "16-promoted");

    page.click("#nav-models");
    page.click("tr[data-model=scorer] a");
    page.fill("#alias-name", "prod");
    page.selectOption("#alias-version", "2");
    page.click("#set-alias-submit");
    assertThat(page.locator("#notice")).containsText("Alias prod now points at v2");
    upload(page, OnnxModels.mlp(5, 8, 3, 7), "scorer-v3.onnx", 3);
    page.click("#diff-previous");
    assertThat(page.locator("#diff-verdict")).hasAttribute("data-compatible", "false");
    assertThat(page.locator("#signature-diff")).containsText("[?, 5]");
    Chromium.screenshot(page, "17-signature-diff");

    page.click("p.crumbs a");
    page.fill("#alias-name", "prod");
    page.selectOption("#alias-version", "3");
    page.click("#set-alias-submit");
    assertThat(page.locator("#force-alias")).isVisible();
    assertThat(page.locator("#signature-diff tr.breaking")).containsText("input");
    Chromium.screenshot(page, "18-alias-incompatible");
    page.click("#force-alias-submit");
    assertThat(page.locator("#notice")).containsText("moved although the signature is incompatible");
    assertThat(page.locator("tr[data-alias=prod] .alias-version")).hasText("v3");
    Chromium.screenshot(page, "19-model-aliases");

    page.click("tr[data-version='3'] a");
    page.click("#delete-version-submit");
    assertThat(page.locator("#notice")).containsText("aliases [prod] point at version 3");

    page.click("#nav-usage");
    assertThat(page.locator("#chart-traffic svg.chart-svg")).isVisible();
    reloadUntil(page, "#chart-compute .legend", "scorer", Duration.ofSeconds(30));
    assertThat(Long.parseLong(page.locator("#usage-total-requests").textContent().trim())).isPositive();
    assertThat(page.locator("tr[data-limit=maxModels] .quota-used")).containsText("1");
    assertThat(page.locator("#quota-form")).hasCount(0);
    Chromium.screenshot(page, "20-usage");
    Download csv = page.waitForDownload(() -> page.click("#usage-csv"));
    assertThat(page.locator("#usage-keys tbody tr").first().locator(".key-requests")).not().hasText("0");
    assertThat(Files.readString(csv.path())).startsWith("start,model,version,keyId,keyName,keyPrefix,requests")
        .contains(",scorer,1,");

    Page admin = signIn("admin", ADMIN_PASSWORD);
    admin.navigate(consoleUrl + "/tenants/acme/usage");
    admin.fill("#quota-requestsPerSecond", "75");
    admin.click("#quota-submit");
    assertThat(admin.locator("#notice")).containsText("Quota of acme updated (requestsPerSecond)");
    assertThat(admin.locator("tr[data-limit=requestsPerSecond] .quota-limit")).hasText("75");
    Chromium.screenshot(admin, "21-quota");
    assertThat(alerts).isEmpty();
  }

  /** Uploads a model file from the model page the browser is on (or the scorer's) and waits for its version page. */
  static void upload(Page page, byte[] onnx, String name, int expectedVersion) throws Exception {
    page.navigate(consoleUrl + "/tenants/acme/models/scorer");
    Path file = data.resolve(name);
    Files.write(file, onnx);
    page.setInputFiles("#upload-file", file);
    page.click("#upload-submit");
    page.waitForURL("**/versions/" + expectedVersion, new Page.WaitForURLOptions().setTimeout(WAIT_MS));
  }

  @Test
  @Order(4)
  @DisplayName("An auditor filters the audit log by action and time, exports it, verifies its integrity, reads users, and is refused a tenant admin page")
  void auditor() throws Exception {
    Page page = signIn("audrey", AUDITOR_PASSWORD);
    assertThat(page.locator("#recent-events")).containsText("auth.login");
    assertThat(page.locator("#nav-keys")).hasCount(0);
    Chromium.screenshot(page, "12-overview-auditor");

    page.click("#nav-audit");
    page.fill("#filter-action", "api_key.create");
    page.click("#filter-submit");
    Locator actions = page.locator("tr.audit-event .audit-action");
    assertThat(actions.first()).hasText("api_key.create");
    assertThat(actions.allTextContents()).allMatch("api_key.create"::equals);
    page.fill("#filter-action", "");
    page.fill("#filter-from", "2020-01-01T00:00");
    page.click("#filter-submit");
    assertThat(page).hasURL(Pattern.compile(".*from=2020-01-01T00%3A00.*"));
    assertThat(page.locator("#filter-from")).hasValue("2020-01-01T00:00");
    assertThat(page.locator("tr.audit-event").first()).isVisible();
    Chromium.screenshot(page, "13-audit-log");
    Download csv = page.waitForDownload(() -> page.click("#export-csv"));
    assertThat(csv.suggestedFilename()).isEqualTo("audit-events.csv");
    String exported = Files.readString(csv.path());
    assertThat(exported).startsWith("seq,id,occurred_at,").contains("deployment.promote", "model_alias.set");
    Download jsonl = page.waitForDownload(() -> page.click("#export-jsonl"));
    List<String> lines = Files.readAllLines(jsonl.path());
    assertThat(lines).isNotEmpty().allMatch(l -> l.startsWith("{") && l.contains("\"seq\""));
    assertThat(lines).anyMatch(l -> l.contains("quota.update"));

    page.click("#verify-link");
    assertThat(page.locator("#verify-result")).hasAttribute("data-valid", "true");
    Chromium.screenshot(page, "14-audit-verify");

    page.click("#nav-users");
    assertThat(page.locator("tr[data-user=\"tina@acme\"]")).containsText("Tenant admin");
    assertThat(page.locator("#create-user")).hasCount(0);
    page.navigate(consoleUrl + "/tenants/acme/api-keys");
    assertThat(page.locator("#error-status")).hasText("403");
    assertThat(page.content()).doesNotContain("Exception");
    assertThat(alerts).isEmpty();
  }
}

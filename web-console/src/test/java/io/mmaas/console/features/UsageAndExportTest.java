package io.mmaas.console.features;

import static io.mmaas.console.support.FakeAdminApi.ADMIN;
import static io.mmaas.console.support.FakeAdminApi.ADMIN_PASSWORD;
import static io.mmaas.console.support.FakeAdminApi.AUDITOR;
import static io.mmaas.console.support.FakeAdminApi.AUDITOR_PASSWORD;
import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN;
import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.support.Browser;
import io.mmaas.console.support.ConsoleFixture;
import io.mmaas.console.support.FakeAdminApi.Received;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Usage against quota, the quota form, and downloads streamed through the console")
class UsageAndExportTest {
  private ConsoleFixture fixture;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, false).onComplete(testContext.succeeding(f -> {
      fixture = f;
      testContext.completeNow();
    }));
  }

  @Test
  @DisplayName("The usage page draws the window's requests and per-model compute as inline SVG, with totals, quota use and no quota form for tenant admins")
  void usagePage(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get("/tenants/acme/usage?range=7d"))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(fixture.api.received()).filteredOn(r -> r.path().equals("/api/v1/tenants/acme/usage"))
              .extracting(Received::query).hasSize(2)
              .anySatisfy(q -> assertThat(q).contains("by=hour", "perModel=true", "format=json", "from=", "to="))
              .anySatisfy(q -> assertThat(q).contains("by=day", "perKey=true", "format=json", "from=", "to="));
          // per key, summed over the window, busiest first; names are the tenant's and escaped
          String keys = page.body().replaceAll("(?s)^.*<table id=\"usage-keys\">(.*?)</table>.*$", "$1");
          assertThat(keys.indexOf("data-key-id=\"k-1\"")).isLessThan(keys.indexOf("data-key-id=\"k-2\""));
          assertThat(keys).contains("<td>backend</td>").contains("<code>mmaas_ab12</code>")
              .contains("<td class=\"num key-requests\">75</td>").contains("(deleted key)")
              .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert");
          assertThat(page.body()).contains("<svg class=\"chart-svg\"").contains("<polyline class=\"chart-line slot-0\"")
              .contains("id=\"usage-total-requests\">105<")
              .contains("id=\"usage-total-throttled\">5<").contains("data-series=\"scorer\"")
              .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert")
              .contains("<tr data-limit=\"maxModels\">").contains("10.0 GiB")
              .doesNotContain("id=\"quota-form\"").contains("href=\"/tenants/acme/usage.csv?range=7d\"");
          // 168 hourly points; the newest carries 65 requests on an axis up to 100
          String requests = page.body().replaceAll(
              "(?s)^.*?<polyline class=\"chart-line slot-0\" points=\"([^\"]+)\".*$", "$1");
          assertThat(requests.split(" ")).hasSize(168);
          assertThat(requests).endsWith("708.0,75.0");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A platform admin's quota form sends only the limits that changed; a tenant admin's PUT is refused by the API")
  void quotaForm(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(ADMIN, ADMIN_PASSWORD).compose(x -> b.get("/tenants/acme/usage"))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).contains("id=\"quota-form\""));
          return b.submit("/tenants/acme/quota", page.csrfToken(), "requestsPerSecond", "75", "was-requestsPerSecond",
              "50", "burst", "100", "was-burst", "100");
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("Quota of acme updated (requestsPerSecond)");
          assertThat(fixture.api.limits().getInteger("requestsPerSecond")).isEqualTo(75);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("The usage CSV is the API's, passed through with the user's token as an attachment")
  void usageCsv(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get("/tenants/acme/usage.csv?range=1h"))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).isEqualTo(200);
          assertThat(page.headers().get("Content-Type")).isEqualTo("text/csv; charset=utf-8");
          assertThat(page.headers().get("Content-Disposition")).isEqualTo("attachment; filename=\"usage-1h.csv\"");
          assertThat(page.body()).startsWith("start,model,version,requests").contains(",scorer,1,60,");
          assertThat(fixture.api.received()).filteredOn(r -> r.path().endsWith("/usage")).singleElement()
              .satisfies(r -> {
                assertThat(r.query()).contains("format=csv", "by=minute", "perModel=true", "perKey=true");
                assertThat(r.headers().get("Authorization")).startsWith("Bearer tok-");
              });
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("The audit page passes a UTC time range to the API, and its export links stream every matching event in chunks")
  void auditRangeAndExport(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(AUDITOR, AUDITOR_PASSWORD)
        .compose(x -> b.get("/audit?action=api_key.create&from=2026-03-01T10%3A00&to=2026-03-02T00%3A00%3A30"))
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(fixture.api.received()).filteredOn(r -> r.path().equals("/api/v1/audit-events"))
                .extracting(Received::query).singleElement().satisfies(q -> assertThat(q)
                    .contains("from=2026-03-01T10%3A00%3A00Z", "to=2026-03-02T00%3A00%3A30Z"));
            assertThat(page.body()).contains("value=\"2026-03-01T10:00:00\"")
                .contains("href=\"/audit/export.csv?action=api_key.create&amp;from=2026-03-01T10%3A00%3A00Z"
                    + "&amp;to=2026-03-02T00%3A00%3A30Z\"");
          });
          return b.get("/audit/export.jsonl?action=api_key.create&from=2026-03-01T10%3A00%3A00Z");
        })
        .compose(export -> {
          testContext.verify(() -> {
            assertThat(export.status()).isEqualTo(200);
            assertThat(export.headers().get("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(export.headers().get("Content-Type")).isEqualTo("application/x-ndjson");
            assertThat(export.headers().get("Content-Disposition"))
                .isEqualTo("attachment; filename=\"audit-events.jsonl\"");
            assertThat(export.body().split("\n")).hasSize(20_000);
            assertThat(fixture.api.received()).filteredOn(r -> r.path().endsWith("/export")).singleElement()
                .satisfies(r -> assertThat(r.query()).contains("action=api_key.create", "format=jsonl",
                    "from=2026-03-01T10%3A00%3A00Z").doesNotContain("before"));
          });
          return b.get("/audit?from=yesterday");
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).isEqualTo(400);
          testContext.completeNow();
        })));
  }
}

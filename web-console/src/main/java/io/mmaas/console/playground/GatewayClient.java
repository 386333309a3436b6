package io.mmaas.console.playground;

import io.mmaas.console.api.CallContext;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;

/**
 * Sends one test inference to the data-plane gateway with an API key the user pasted. The key is used for this call
 * only: it is not stored, logged or sent back to the browser.
 */
public final class GatewayClient {
  static final long TIMEOUT_MS = 30_000;
  /** The longest answer shown; the rest is cut, with a note. */
  static final int MAX_SHOWN_BYTES = 64 * 1024;

  private final WebClient client;
  private final String base;

  public GatewayClient(WebClient client, String gatewayBase) {
    this.client = client;
    this.base = gatewayBase;
  }

  /** The gateway's answer as it came (status, body), or a failed future when no answer came. */
  public Future<Answer> infer(String apiKey, String model, String requestJson, CallContext call) {
    long started = System.nanoTime();
    var request = client.postAbs(base + "/v2/models/" + io.mmaas.console.pages.TenantLinks.segment(model) + "/infer")
        .timeout(TIMEOUT_MS)
        .putHeader("Authorization", "Bearer " + apiKey)
        .putHeader("Content-Type", "application/json");
    if (call.requestId() != null) {
      request.putHeader("X-Request-Id", call.requestId());
    }
    return request.sendBuffer(Buffer.buffer(requestJson, StandardCharsets.UTF_8.name()))
        .map(r -> {
          Buffer body = r.body() == null ? Buffer.buffer() : r.body();
          boolean cut = body.length() > MAX_SHOWN_BYTES;
          String text = (cut ? body.getBuffer(0, MAX_SHOWN_BYTES) : body).toString(StandardCharsets.UTF_8);
          return new Answer(r.statusCode(), text, cut, (System.nanoTime() - started) / 1_000_000);
        });
  }

  /** What the gateway answered, and how long the round trip took. */
  public record Answer(int status, String body, boolean cut, long millis) {}
}

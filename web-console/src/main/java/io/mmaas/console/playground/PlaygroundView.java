package io.mmaas.console.playground;

import io.mmaas.console.pages.Nav;
import java.util.List;

/**
 * The playground: a form (model, API key, request) and, after a call, the gateway's answer. The key field is always
 * rendered empty.
 *
 * @param models the tenant's deployed model names
 * @param status the gateway's status code, 0 before any call
 */
public record PlaygroundView(Nav nav, String tenant, String action, List<String> models, String model,
    String request, int status, String result, boolean cut, long millis, String gatewayUrl) {

  public boolean answered() {
    return status > 0;
  }

  public boolean ok() {
    return status >= 200 && status < 300;
  }
}

package io.mmaas.bench.load;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Map;

/** One request to send again and again: 127.0.0.1:port, a path, headers and a body. */
public record Target(String name, int port, String path, Map<String, String> headers, Buffer body) {

  RequestOptions options() {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(path).setIdleTimeout(15_000);
    headers.forEach(o::putHeader);
    return o;
  }

  /** A JSON inference call with a bearer token. */
  public static Target json(String name, int port, String path, String bearer, Buffer body) {
    return new Target(name, port, path, Map.of("Authorization", "Bearer " + bearer,
        "Content-Type", "application/json"), body);
  }
}

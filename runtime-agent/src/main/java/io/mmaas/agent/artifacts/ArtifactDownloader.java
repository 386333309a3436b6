package io.mmaas.agent.artifacts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Streams an artifact from the control plane ({@code GET {CP}{artifactUrl}} with the agent's bearer credential)
 * into a file with asynchronous file IO, hashing as the bytes pass.
 */
public final class ArtifactDownloader {
  private static final long CONNECT_TIMEOUT_MS = 10_000;
  private static final long IDLE_TIMEOUT_MS = 60_000;

  /** What arrived: its SHA-256 (hex) and its size. */
  public record Download(String sha256, long sizeBytes) {}

  private final Vertx vertx;
  private final HttpClient client;
  private final String controlPlaneUrl;
  private final Supplier<String> credential;

  /**
   * @param controlPlaneUrl base URL; artifact paths are appended to it as they are
   * @param credential the agent credential, read on each download (it exists only after enrollment)
   */
  public ArtifactDownloader(Vertx vertx, HttpClient client, String controlPlaneUrl, Supplier<String> credential) {
    this.vertx = vertx;
    this.client = client;
    this.controlPlaneUrl = controlPlaneUrl.endsWith("/")
        ? controlPlaneUrl.substring(0, controlPlaneUrl.length() - 1)
        : controlPlaneUrl;
    this.credential = credential;
  }

  /**
   * Writes the artifact to {@code target} (created or truncated). Fails with {@link ArtifactException} when the
   * control plane refuses, the connection breaks, or more than {@code ref.sizeBytes()} bytes arrive.
   */
  public Future<Download> download(ArtifactRef ref, Path target) {
    long limit = ref.sizeBytes() > 0 ? ref.sizeBytes() : Long.MAX_VALUE;
    OpenOptions options = new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true);
    return vertx
        .fileSystem()
        .open(target.toString(), options)
        .compose(file -> fetchInto(ref, file, limit).eventually(() -> closeQuietly(file)))
        .recover(
            e -> Future.failedFuture(
                e instanceof ArtifactException ? e : new ArtifactException("artifact download failed: " + e.getMessage(), e)));
  }

  /** Closes the file unless the pipe already did ({@code close()} throws on a closed file). */
  private static Future<Void> closeQuietly(AsyncFile file) {
    try {
      return file.close().otherwiseEmpty();
    } catch (RuntimeException alreadyClosed) {
      return Future.succeededFuture();
    }
  }

  private Future<Download> fetchInto(ArtifactRef ref, AsyncFile file, long limit) {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(controlPlaneUrl + ref.path())
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + credential.get())
        .setConnectTimeout(CONNECT_TIMEOUT_MS)
        .setIdleTimeout(IDLE_TIMEOUT_MS);
    return client.request(request).compose(HttpClientRequest::send).compose(response -> receive(response, file, limit));
  }

  private static Future<Download> receive(HttpClientResponse response, AsyncFile file, long limit) {
    int status = response.statusCode();
    if (status != 200) {
      String reason = status == 404
          ? "artifact not found on the control plane (HTTP 404)"
          : "artifact download failed: HTTP " + status;
      return response.body().transform(ignored -> Future.failedFuture(new ArtifactException(reason)));
    }
    DigestingWriteStream sink = new DigestingWriteStream(file, limit);
    return response.pipeTo(sink).transform(done -> {
      if (sink.overLimit()) {
        response.request().reset();
        return Future.failedFuture(new ArtifactException("artifact size mismatch: more than " + limit + " bytes"));
      }
      if (done.failed()) {
        return Future.failedFuture(done.cause());
      }
      return Future.succeededFuture(new Download(sink.sha256(), sink.bytes()));
    });
  }
}

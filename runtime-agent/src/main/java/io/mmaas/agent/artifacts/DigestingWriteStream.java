package io.mmaas.agent.artifacts;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.security.MessageDigest;

/**
 * Passes bytes to a file while hashing them and counting them; refuses to grow past a limit so a wrong or hostile
 * response cannot fill the disk. Hashing a chunk costs microseconds, so it runs inline on the event loop, as TLS
 * would.
 */
final class DigestingWriteStream implements WriteStream<Buffer> {
  private final WriteStream<Buffer> file;
  private final MessageDigest digest = Sha256.newDigest();
  private final long limit;
  private long bytes;

  DigestingWriteStream(WriteStream<Buffer> file, long limit) {
    this.file = file;
    this.limit = limit;
  }

  /** The hex SHA-256 of everything written; call once, after the stream ended. */
  String sha256() {
    return Sha256.hex(digest);
  }

  long bytes() {
    return bytes;
  }

  boolean overLimit() {
    return bytes > limit;
  }

  @Override
  public Future<Void> write(Buffer data) {
    bytes += data.length();
    if (overLimit()) {
      return Future.failedFuture(new ArtifactException("artifact size mismatch: more than " + limit + " bytes"));
    }
    digest.update(data.getBytes());
    return file.write(data);
  }

  @Override
  public Future<Void> end() {
    return file.end();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    file.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    file.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return file.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    file.drainHandler(handler);
    return this;
  }
}

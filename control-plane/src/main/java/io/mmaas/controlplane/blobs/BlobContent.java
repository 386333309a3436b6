package io.mmaas.controlplane.blobs;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A stored blob being read: its size, its bytes as a stream (paused until piped), and what to release when the reader
 * stops early. {@code localFile} is set when the store has the bytes in a local file (the file store), so an HTTP
 * response can send it without copying through the heap.
 */
public record BlobContent(long size, ReadStream<Buffer> stream, Path localFile, Supplier<Future<Void>> closer) {
  /** Releases the stream's resources (an open file, an HTTP connection to S3); safe to call more than once. */
  public Future<Void> close() {
    return closer.get();
  }
}

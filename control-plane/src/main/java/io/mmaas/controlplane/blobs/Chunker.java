package io.mmaas.controlplane.blobs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Cuts a stream into fixed-size chunks and hands them one at a time to a sink, hashing each on a worker thread first:
 * the source is paused while a chunk is being hashed and written, so at most about two chunks are in memory. Every
 * chunk but the last has exactly {@code chunkSize} bytes; the last (flagged) has 1 to {@code chunkSize} bytes, or the
 * sink sees no chunk at all for empty content.
 */
final class Chunker {
  /** Where the chunks go, in order; the next one comes only once the returned future succeeded. */
  interface Sink {
    Future<Void> write(int seq, Buffer chunk, boolean last);
  }

  private Chunker() {
  }

  /** Reads {@code source} to its end through {@code sink}; yields the content's sha256 (hex) and size. */
  static Future<BlobStore.BlobInfo> consume(Vertx vertx, ReadStream<Buffer> source, int chunkSize, Sink sink) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      return Future.failedFuture(e);
    }
    Promise<BlobStore.BlobInfo> result = Promise.promise();
    var state = new Object() {
      Buffer pending = Buffer.buffer();
      long size;
      int seq;
      int inFlight;
      boolean failed;
      Future<Void> tail = Future.succeededFuture();

      void fail(Throwable e) {
        if (!failed) {
          failed = true;
          result.tryFail(e);
        }
      }

      void submit(Buffer chunk, boolean last) {
        int n = seq++;
        inFlight++;
        tail = tail.compose(v -> vertx.executeBlocking(() -> {
              digest.update(chunk.getBytes());
              return null;
            }, true))
            .compose(v -> sink.write(n, chunk, last))
            .onComplete(ar -> {
              inFlight--;
              if (ar.failed()) {
                fail(ar.cause());
              } else if (inFlight == 0 && !last && !failed) {
                source.resume();
              }
            });
      }
    };
    source.handler(data -> {
      if (state.failed) {
        return;
      }
      state.size += data.length();
      state.pending.appendBuffer(data);
      // a full chunk goes only once more follows: the end then always has 1..chunkSize bytes to flag as last
      if (state.pending.length() > chunkSize) {
        source.pause();
        while (state.pending.length() > chunkSize) {
          state.submit(state.pending.getBuffer(0, chunkSize), false);
          state.pending = state.pending.getBuffer(chunkSize, state.pending.length());
        }
      }
    });
    source.exceptionHandler(state::fail);
    source.endHandler(v -> {
      if (state.failed) {
        return;
      }
      if (state.pending.length() > 0) {
        state.submit(state.pending, true);
        state.pending = Buffer.buffer();
      }
      state.tail.onSuccess(x -> result.tryComplete(
          new BlobStore.BlobInfo(HexFormat.of().formatHex(digest.digest()), state.size)));
    });
    source.resume();
    return result.future();
  }
}

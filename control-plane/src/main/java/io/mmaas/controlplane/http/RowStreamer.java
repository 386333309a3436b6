package io.mmaas.controlplane.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;

/**
 * Streams a query's rows into a {@link WriteStream} (the HTTP response) through a server-side cursor on a connection
 * of its own, never holding the result: rows are fetched {@value #FETCH} at a time, encoded into chunks of about
 * {@value #CHUNK} bytes, and the cursor pauses while the client is slower than the database. A client that goes away
 * closes the cursor and gives the connection back. Used by the audit exports and the usage CSV.
 */
public final class RowStreamer {
  private static final int FETCH = 1_000;
  private static final int CHUNK = 64 * 1024;

  private RowStreamer() {
  }

  /** Writes {@code header}, then every row encoded; yields the row count. Does not end {@code out}. */
  public static Future<Long> stream(Pool pool, String sql, Tuple args, String header, Function<Row, String> encode,
                             WriteStream<Buffer> out) {
    return pool.getConnection().compose(conn -> conn.begin()
        .compose(tx -> conn.prepare(sql)
            .compose(ps -> pump(ps.createStream(FETCH, args), header, encode, out))
            .eventually(() -> tx.rollback()))
        .eventually(conn::close));
  }

  private static Future<Long> pump(RowStream<Row> rows, String header, Function<Row, String> encode,
                                   WriteStream<Buffer> out) {
    Promise<Long> done = Promise.promise();
    long[] count = {0};
    Buffer[] chunk = {Buffer.buffer(CHUNK + 4096)};
    if (header != null) {
      chunk[0].appendString(header);
    }
    out.exceptionHandler(done::tryFail);
    rows.exceptionHandler(done::tryFail);
    rows.endHandler(v -> {
      if (chunk[0].length() > 0) {
        out.write(chunk[0]);
      }
      done.tryComplete(count[0]);
    });
    rows.handler(row -> {
      chunk[0].appendString(encode.apply(row));
      count[0]++;
      if (chunk[0].length() >= CHUNK) {
        out.write(chunk[0]);
        chunk[0] = Buffer.buffer(CHUNK + 4096);
        if (out.writeQueueFull()) {
          rows.pause();
          out.drainHandler(x -> rows.resume());
        }
      }
    });
    return done.future().eventually(() -> rows.close());
  }

}

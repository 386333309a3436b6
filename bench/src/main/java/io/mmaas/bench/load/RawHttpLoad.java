package io.mmaas.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * A lean closed-loop HTTP/1.1 load generator, in the spirit of {@code wrk}: each connection writes a request that was
 * encoded once, and parses only the status line, {@code Content-Length} or chunked framing of the answer. It costs the
 * shared CPU a few microseconds per request, where a general-purpose HTTP client costs tens, so on a small machine it
 * measures the server rather than itself.
 *
 * <p>{@code depth} requests are kept in flight per connection (1 = one at a time; more = HTTP/1.1 pipelining).
 * Latency is taken from the moment a request is written to the last byte of its answer.
 */
public final class RawHttpLoad {
  private RawHttpLoad() {
  }

  /** What to send: method, path, headers (Host and Content-Length are added) and body. */
  public record Request(String method, String path, Map<String, String> headers, byte[] body) {
    byte[] encode(String host) {
      StringBuilder head = new StringBuilder(256)
          .append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
      byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
      byte[] all = new byte[h.length + body.length];
      System.arraycopy(h, 0, all, 0, h.length);
      System.arraycopy(body, 0, all, h.length, body.length);
      return all;
    }
  }

  /** Runs {@code connections} connections with {@code depth} requests in flight each, for {@code seconds}. */
  public static LoadResult run(Vertx vertx, String name, int port, Request request, int connections, int depth,
                               double seconds) {
    NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    byte[] encoded = request.encode("127.0.0.1:" + port);
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    Tally tally = new Tally(name, connections * depth, start, seconds);
    List<Future<Void>> loops = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      Promise<Void> done = Promise.promise();
      client.connect(port, "127.0.0.1").onComplete(connected -> {
        if (connected.failed()) {
          tally.record(0, start, System.nanoTime());
          done.complete();
        } else {
          new Connection(connected.result(), encoded, depth, end, tally, done).start();
        }
      });
      loops.add(done.future());
    }
    Future.all(loops).await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    client.close().await();
    return tally.result(elapsed);
  }

  /** One connection: writes requests and parses the answers as they stream in. */
  private static final class Connection {
    private final NetSocket socket;
    private final byte[] request;
    private final int depth;
    private final long end;
    private final Tally tally;
    private final Promise<Void> done;
    private final long[] sentAt;
    private int head;
    private int inFlight;
    private final ResponseParser parser;

    Connection(NetSocket socket, byte[] request, int depth, long end, Tally tally, Promise<Void> done) {
      this.socket = socket;
      this.request = request;
      this.depth = depth;
      this.end = end;
      this.tally = tally;
      this.done = done;
      this.sentAt = new long[depth];
      this.parser = new ResponseParser(this::answered);
    }

    void start() {
      socket.handler(parser::feed);
      socket.exceptionHandler(e -> finish());
      socket.closeHandler(v -> {
        for (int i = 0; i < inFlight; i++) {
          tally.record(0, sentAt[(head + i) % depth], System.nanoTime());
        }
        inFlight = 0;
        finish();
      });
      for (int i = 0; i < depth; i++) {
        send();
      }
    }

    private void send() {
      sentAt[(head + inFlight) % depth] = System.nanoTime();
      inFlight++;
      socket.write(Buffer.buffer(request));
    }

    private void answered(int status) {
      long now = System.nanoTime();
      tally.record(status, sentAt[head], now);
      head = (head + 1) % depth;
      inFlight--;
      if (status < 0) {
        socket.close();
        return;
      }
      if (now < end) {
        send();
      } else if (inFlight == 0) {
        socket.close();
      }
    }

    private void finish() {
      if (!done.future().isComplete()) {
        done.complete();
      }
    }
  }

  /**
   * Incremental HTTP/1.1 response parser: status line, headers (only Content-Length and Transfer-Encoding matter),
   * then a body framed by length or chunks. Calls back with the status of each complete response, -1 when the bytes
   * are not HTTP.
   */
  static final class ResponseParser {
    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILER }

    private final IntConsumer onResponse;
    private final StringBuilder line = new StringBuilder(128);
    private State state = State.HEAD;
    private int status;
    private long remaining;
    private boolean chunked;
    private boolean firstLine = true;

    ResponseParser(IntConsumer onResponse) {
      this.onResponse = onResponse;
    }

    void feed(Buffer buffer) {
      int n = buffer.length();
      // small chunks (the usual answer) are scanned as an array: Buffer.getByte checks bounds and liveness per byte
      byte[] bytes = n <= 8192 ? buffer.getBytes() : null;
      int i = 0;
      while (i < n) {
        switch (state) {
          case HEAD, CHUNK_SIZE, TRAILER, CHUNK_CRLF -> {
            byte b = bytes != null ? bytes[i++] : buffer.getByte(i++);
            if (b == '\n') {
              lineDone();
            } else if (b != '\r') {
              line.append((char) b);
            }
          }
          case BODY, CHUNK_DATA -> {
            int take = (int) Math.min(remaining, n - i);
            i += take;
            remaining -= take;
            if (remaining == 0) {
              if (state == State.BODY) {
                complete();
              } else {
                state = State.CHUNK_CRLF;
              }
            }
          }
          default -> throw new IllegalStateException();
        }
      }
    }

    private void lineDone() {
      String text = line.toString();
      line.setLength(0);
      switch (state) {
        case HEAD -> {
          if (firstLine) {
            firstLine = false;
            if (!text.startsWith("HTTP/1.") || text.length() < 12) {
              onResponse.accept(-1);
              return;
            }
            status = Integer.parseInt(text.substring(9, 12));
            remaining = 0;
            chunked = false;
          } else if (text.isEmpty()) {
            if (chunked) {
              state = State.CHUNK_SIZE;
            } else if (remaining > 0) {
              state = State.BODY;
            } else {
              complete();
            }
          } else {
            int colon = text.indexOf(':');
            if (colon > 0) {
              String key = text.substring(0, colon).trim();
              if (key.equalsIgnoreCase("content-length")) {
                remaining = Long.parseLong(text.substring(colon + 1).trim());
              } else if (key.equalsIgnoreCase("transfer-encoding")) {
                chunked = text.substring(colon + 1).toLowerCase().contains("chunked");
              }
            }
          }
        }
        case CHUNK_SIZE -> {
          int semi = text.indexOf(';');
          long size = Long.parseLong((semi < 0 ? text : text.substring(0, semi)).trim(), 16);
          if (size == 0) {
            state = State.TRAILER;
          } else {
            remaining = size;
            state = State.CHUNK_DATA;
          }
        }
        case CHUNK_CRLF -> state = State.CHUNK_SIZE;
        case TRAILER -> {
          if (text.isEmpty()) {
            complete();
          }
        }
        default -> throw new IllegalStateException();
      }
    }

    private void complete() {
      state = State.HEAD;
      firstLine = true;
      onResponse.accept(status);
    }
  }
}

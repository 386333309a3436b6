package io.mmaas.agent.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds and takes apart bodies of the binary tensor extension, the way a KServe/Triton client does. */
public final class BinaryBodies {
  private BinaryBodies() {}

  /** A body and the value of its Inference-Header-Content-Length header. */
  public record Body(Buffer bytes, int headerLength) {}

  /** The JSON header followed by the parts, in order. */
  public static Body of(JsonObject header, byte[]... parts) {
    Buffer json = header.toBuffer();
    Buffer body = Buffer.buffer().appendBuffer(json);
    for (byte[] part : parts) {
      body.appendBytes(part);
    }
    return new Body(body, json.length());
  }

  /** BYTES elements in wire form: a 4-byte little-endian length before each UTF-8 string. */
  public static byte[] strings(List<String> values) {
    Buffer out = Buffer.buffer();
    for (String value : values) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      out.appendIntLE(bytes.length).appendBytes(bytes);
    }
    return out.getBytes();
  }

  /** The JSON header of a binary response. */
  public static JsonObject header(Buffer body, int headerLength) {
    return new JsonObject(body.getBuffer(0, headerLength));
  }

  /** The binary part of a response after its header. */
  public static byte[] tail(Buffer body, int headerLength) {
    return body.getBytes(headerLength, body.length());
  }
}

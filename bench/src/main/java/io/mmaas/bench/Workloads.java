package io.mmaas.bench;

import io.mmaas.agent.runtime.DataType;
import io.mmaas.agent.runtime.Tensor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;

/** The benchmark's models and request bodies, each as runtime tensors (in-process) and as OIP bodies (HTTP). */
public final class Workloads {
  static final String MINILM_RESOURCE = "all-minilm-l6-v2-q.onnx";

  private Workloads() {}

  /** The MiniLM int8 model from the langchain4j artifact on the classpath, copied to a file. */
  public static Path miniLm(Path dir) throws IOException {
    try (InputStream in = Workloads.class.getClassLoader().getResourceAsStream(MINILM_RESOURCE)) {
      if (in == null) {
        throw new IOException(MINILM_RESOURCE + " is not on the classpath");
      }
      Path file = dir.resolve(MINILM_RESOURCE);
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    }
  }

  static float[] randomFloats(int n, long seed) {
    Random random = new Random(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return values;
  }

  static Tensor floats(String name, long[] shape, float[] values) {
    FloatBuffer buffer = (FloatBuffer) DataType.FP32.allocate(values.length);
    buffer.put(values).rewind();
    return Tensor.numeric(name, DataType.FP32, shape, buffer);
  }

  static Tensor longs(String name, long[] shape, long[] values) {
    LongBuffer buffer = (LongBuffer) DataType.INT64.allocate(values.length);
    buffer.put(values).rewind();
    return Tensor.numeric(name, DataType.INT64, shape, buffer);
  }

  /** MiniLM's three inputs for one sequence of {@code length} tokens. */
  public static List<Tensor> miniLmInputs(int length) {
    long[] ids = new long[length];
    long[] mask = new long[length];
    long[] types = new long[length];
    Random random = new Random(42);
    for (int i = 0; i < length; i++) {
      ids[i] = i == 0 ? 101 : i == length - 1 ? 102 : 1000 + random.nextInt(20000);
      mask[i] = 1;
    }
    long[] shape = {1, length};
    return List.of(longs("input_ids", shape, ids), longs("attention_mask", shape, mask),
        longs("token_type_ids", shape, types));
  }

  /** An OIP JSON body carrying {@code tensors}, optionally asking for binary outputs. */
  public static Buffer json(List<Tensor> tensors, boolean binaryOutput) {
    JsonArray inputs = new JsonArray();
    for (Tensor t : tensors) {
      JsonArray data = new JsonArray();
      if (t.datatype() == DataType.FP32) {
        FloatBuffer b = (FloatBuffer) t.buffer();
        while (b.hasRemaining()) {
          data.add(b.get());
        }
      } else {
        LongBuffer b = (LongBuffer) t.buffer();
        while (b.hasRemaining()) {
          data.add(b.get());
        }
      }
      inputs.add(new JsonObject().put("name", t.name()).put("datatype", t.datatype().name())
          .put("shape", shape(t)).put("data", data));
    }
    JsonObject body = new JsonObject().put("inputs", inputs);
    if (binaryOutput) {
      body.put("parameters", new JsonObject().put("binary_data_output", true));
    }
    return body.toBuffer();
  }

  /** A binary-extension body: the JSON header, then each FP32 tensor's little-endian bytes. Returns header length too. */
  static Binary binary(List<Tensor> tensors) {
    JsonArray inputs = new JsonArray();
    Buffer data = Buffer.buffer();
    for (Tensor t : tensors) {
      FloatBuffer b = (FloatBuffer) t.buffer();
      int before = data.length();
      while (b.hasRemaining()) {
        data.appendFloatLE(b.get());
      }
      inputs.add(new JsonObject().put("name", t.name()).put("datatype", "FP32").put("shape", shape(t))
          .put("parameters", new JsonObject().put("binary_data_size", data.length() - before)));
    }
    Buffer header = new JsonObject().put("inputs", inputs)
        .put("parameters", new JsonObject().put("binary_data_output", true)).toBuffer();
    return new Binary(Buffer.buffer().appendBuffer(header).appendBuffer(data), header.length());
  }

  record Binary(Buffer body, int headerLength) {}

  private static JsonArray shape(Tensor t) {
    JsonArray shape = new JsonArray();
    for (long d : t.shape()) {
      shape.add(d);
    }
    return shape;
  }
}

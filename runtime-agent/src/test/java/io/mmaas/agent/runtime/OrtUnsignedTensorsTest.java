package io.mmaas.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmaas.onnx.ElementTypes;
import io.mmaas.onnx.OnnxModels;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Every served element type passes through real ONNX Runtime sessions, unsigned and bfloat16 included")
class OrtUnsignedTensorsTest {
  @TempDir static Path dir;
  private static OrtModelRuntime runtime;

  @BeforeAll
  static void start() {
    runtime = new OrtModelRuntime(ExecutionProviderPreference.CPU);
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  private static List<Tensor> run(String id, byte[] model, Tensor input) throws Exception {
    runtime.load(id, Files.write(dir.resolve(id + ".onnx"), model), RuntimeOptions.DEFAULT);
    try {
      return runtime.infer(id, List.of(input), Set.of("y"));
    } finally {
      runtime.unload(id);
    }
  }

  @Test
  @DisplayName("the agent's data types are exactly the platform's served list, which the upload check uses")
  void oneListOfServedTypes() {
    assertThat(Arrays.stream(DataType.values()).map(Enum::name).collect(Collectors.toSet()))
        .isEqualTo(ElementTypes.servedOipTypes());
  }

  @Test
  @DisplayName("every agent data type has an ONNX Runtime element type, and no two share one")
  void everyTypeMapsToOnnxRuntime() {
    List<DataType> mapped = Arrays.stream(ai.onnxruntime.TensorInfo.OnnxTensorType.values())
        .map(OrtTensors::dataType).flatMap(java.util.Optional::stream).toList();
    assertThat(mapped).containsExactlyInAnyOrder(DataType.values());
  }

  @Test
  @DisplayName("the adapter finds the ONNX Runtime members it relies on")
  void adapterIsAvailable() {
    assertThat(OrtUnsignedTensors.unavailableReason()).isNull();
  }

  @Test
  @DisplayName("UINT64 in and out keeps every bit, 2^64 - 1 and 2^63 included")
  void uint64() throws Exception {
    long[] values = {0, 1, Long.MAX_VALUE, Long.MIN_VALUE, -1L}; // as unsigned: ..., 2^63, 2^64 - 1
    LongBuffer data = (LongBuffer) DataType.UINT64.allocate(values.length);
    data.put(values).rewind();
    Tensor out = run("u64", OnnxModels.identity("UINT64", -1),
        Tensor.numeric("x", DataType.UINT64, new long[] {values.length}, data)).get(0);
    assertThat(out.datatype()).isEqualTo(DataType.UINT64);
    long[] back = new long[values.length];
    ((LongBuffer) out.buffer()).get(back);
    assertThat(back).containsExactly(values);
    assertThat(Long.toUnsignedString(back[4])).isEqualTo("18446744073709551615");
  }

  @Test
  @DisplayName("UINT32 and UINT16 in and out keep their largest values")
  void uint32AndUint16() throws Exception {
    IntBuffer ints = (IntBuffer) DataType.UINT32.allocate(3);
    ints.put(new int[] {0, 7, -1}).rewind();
    Tensor u32 = run("u32", OnnxModels.identity("UINT32", 3), Tensor.numeric("x", DataType.UINT32, new long[] {3}, ints))
        .get(0);
    assertThat(Integer.toUnsignedLong(((IntBuffer) u32.buffer()).get(2))).isEqualTo(4_294_967_295L);
    ShortBuffer shorts = (ShortBuffer) DataType.UINT16.allocate(2);
    shorts.put(new short[] {5, -1}).rewind();
    Tensor u16 = run("u16", OnnxModels.identity("UINT16", 2),
        Tensor.numeric("x", DataType.UINT16, new long[] {2}, shorts)).get(0);
    assertThat(Short.toUnsignedInt(((ShortBuffer) u16.buffer()).get(1))).isEqualTo(65_535);
  }

  @Test
  @DisplayName("ONNX Runtime reads UINT64 as unsigned: Cast to FP64 gives 2^64, not -1")
  void uint64IsUnsignedToOnnxRuntime() throws Exception {
    LongBuffer data = (LongBuffer) DataType.UINT64.allocate(2);
    data.put(new long[] {-1L, 3}).rewind();
    Tensor out = run("u64cast", OnnxModels.cast("UINT64", "FP64", 2),
        Tensor.numeric("x", DataType.UINT64, new long[] {2}, data)).get(0);
    assertThat(out.datatype()).isEqualTo(DataType.FP64);
    assertThat(((java.nio.DoubleBuffer) out.buffer()).get(0)).isEqualTo(0x1p64);
    assertThat(((java.nio.DoubleBuffer) out.buffer()).get(1)).isEqualTo(3.0);
  }

  @Test
  @DisplayName("BF16 in and out keeps its bits; Cast from FP32 rounds to the nearest bfloat16")
  void bf16() throws Exception {
    ShortBuffer bits = (ShortBuffer) DataType.BF16.allocate(3);
    bits.put(new short[] {Bf16.fromFloat(1.5f), Bf16.fromFloat(-3.140625f), (short) 0x7f80}).rewind();
    Tensor same = run("bf16", OnnxModels.identity("BF16", 3), Tensor.numeric("x", DataType.BF16, new long[] {3}, bits))
        .get(0);
    assertThat(Bf16.toFloat(((ShortBuffer) same.buffer()).get(0))).isEqualTo(1.5f);
    assertThat(Bf16.toFloat(((ShortBuffer) same.buffer()).get(1))).isEqualTo(-3.140625f);
    assertThat(Bf16.toFloat(((ShortBuffer) same.buffer()).get(2))).isEqualTo(Float.POSITIVE_INFINITY);

    java.nio.FloatBuffer floats = (java.nio.FloatBuffer) DataType.FP32.allocate(2);
    floats.put(new float[] {1.00390625f, 100.7f}).rewind(); // 1 + 2^-8 is a tie: to even gives 1.0
    Tensor cast = run("tobf16", OnnxModels.cast("FP32", "BF16", 2),
        Tensor.numeric("x", DataType.FP32, new long[] {2}, floats)).get(0);
    assertThat(cast.datatype()).isEqualTo(DataType.BF16);
    short[] got = new short[2];
    ((ShortBuffer) cast.buffer()).get(got);
    assertThat(got).containsExactly(Bf16.fromFloat(1.00390625f), Bf16.fromFloat(100.7f));
    assertThat(Bf16.toFloat(got[1])).isEqualTo(100.5f);
  }

  @Test
  @DisplayName("a UINT64 tensor needs a direct buffer")
  void heapBufferRefused() {
    assertThatThrownBy(() -> OrtUnsignedTensors.create(null, DataType.UINT64, LongBuffer.allocate(1), new long[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

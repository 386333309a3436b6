package io.mmaas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TensorProtoReader turns every TensorProto data field into little-endian elements")
class TensorProtoReaderTest {

  private static ProtoWriter tensor(int type, long... dims) {
    ProtoWriter w = new ProtoWriter();
    for (long d : dims) {
      w.varint(1, d); // unpacked dims, as older writers emit them
    }
    return w.varint(2, type).string(8, "x");
  }

  /** A packed repeated varint field. */
  private static ProtoWriter packed(ProtoWriter w, int field, long... values) {
    java.io.ByteArrayOutputStream run = new java.io.ByteArrayOutputStream();
    for (long v : values) {
      while ((v & ~0x7FL) != 0) {
        run.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      run.write((int) v);
    }
    return w.bytes(field, run.toByteArray());
  }

  private static ByteBuffer little(TensorProto t) {
    return ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  @DisplayName("raw_data is taken as it is, with the name, type and dims")
  void rawData() throws Exception {
    byte[] raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(Float.NaN).array();
    TensorProto t = TensorProtoReader.read(tensor(1, 1, 2).bytes(9, raw).toByteArray());
    assertThat(t.name()).isEqualTo("x");
    assertThat(t.elemType()).isEqualTo(1);
    assertThat(t.dims()).containsExactly(1, 2);
    assertThat(t.data()).isEqualTo(raw);
    assertThat(t.oipDatatype()).isEqualTo("FP32");
  }

  @Test
  @DisplayName("float_data, packed")
  void floatData() throws Exception {
    TensorProto t = TensorProtoReader.read(tensor(1, 3).packedFloats(4, new float[] {1f, -2f, 3.25f}).toByteArray());
    assertThat(little(t).getFloat(8)).isEqualTo(3.25f);
    assertThat(t.data()).hasSize(12);
  }

  @Test
  @DisplayName("int32_data carries INT8 (negative values sign-extended on the wire), FP16 and BOOL as their bits")
  void int32DataForNarrowTypes() throws Exception {
    TensorProto int8 = TensorProtoReader.read(packed(tensor(3, 2), 5, -3, 127).toByteArray());
    assertThat(int8.data()).containsExactly(-3, 127);
    TensorProto fp16 = TensorProtoReader.read(packed(tensor(10, 1), 5, 0x3c00).toByteArray());
    assertThat(little(fp16).getShort(0)).isEqualTo((short) 0x3c00);
    TensorProto bool = TensorProtoReader.read(tensor(9, 2).varint(5, 1).varint(5, 0).toByteArray()); // unpacked
    assertThat(bool.data()).containsExactly(1, 0);
  }

  @Test
  @DisplayName("int64_data, double_data and uint64_data (UINT32 and UINT64 above the signed range)")
  void wideTypes() throws Exception {
    TensorProto i64 = TensorProtoReader.read(packed(tensor(7, 2), 7, -1, Long.MAX_VALUE).toByteArray());
    assertThat(little(i64).getLong(0)).isEqualTo(-1);
    assertThat(little(i64).getLong(8)).isEqualTo(Long.MAX_VALUE);
    ProtoWriter doubles = tensor(11, 1).bytes(10,
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(Math.PI).array());
    assertThat(little(TensorProtoReader.read(doubles.toByteArray())).getDouble(0)).isEqualTo(Math.PI);
    TensorProto u32 = TensorProtoReader.read(packed(tensor(12, 1), 11, 0xffff_fffeL).toByteArray());
    assertThat(Integer.toUnsignedLong(little(u32).getInt(0))).isEqualTo(0xffff_fffeL);
    TensorProto u64 = TensorProtoReader.read(packed(tensor(13, 1), 11, -2L).toByteArray());
    assertThat(Long.toUnsignedString(little(u64).getLong(0))).isEqualTo("18446744073709551614");
  }

  @Test
  @DisplayName("string_data, one byte array per element; a scalar has no dims and one element")
  void strings() throws Exception {
    TensorProto t = TensorProtoReader.read(tensor(8, 2).string(6, "a").string(6, "héllo").toByteArray());
    assertThat(new String(t.strings().get(1), StandardCharsets.UTF_8)).isEqualTo("héllo");
    TensorProto scalar = TensorProtoReader.read(tensor(7).varint(7, 42).toByteArray());
    assertThat(scalar.dims()).isEmpty();
    assertThat(scalar.elementCount()).isEqualTo(1);
    assertThat(little(scalar).getLong(0)).isEqualTo(42);
  }

  @Test
  @DisplayName("data that does not fill the dims, external data and 4-bit types are refused with the reason")
  void refusals() {
    assertThatThrownBy(() -> TensorProtoReader.read(packed(tensor(7, 3), 7, 1, 2).toByteArray()))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("dims [3] but 16 bytes");
    assertThatThrownBy(() -> TensorProtoReader.read(tensor(1, 1).varint(14, 1).toByteArray()))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("external");
    assertThatThrownBy(() -> TensorProtoReader.read(tensor(22, 2).bytes(9, new byte[] {0x12}).toByteArray()))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("not decoded");
  }
}

package io.mmaas.agent.oip;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.mmaas.agent.runtime.Bf16;
import io.mmaas.agent.runtime.DataType;
import io.mmaas.agent.runtime.Fp16;
import io.mmaas.agent.runtime.Tensor;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Second pass: parses one input's {@code data} array (flat or nested, row-major) straight into a direct buffer of
 * the input's type, checking every element's kind and range. Runs only after validation, so the element count is
 * known and bounded.
 */
final class JsonTensorDecoder {
  private JsonTensorDecoder() {}

  static Tensor decode(byte[] body, JsonInferRequestReader.JsonInput input, DataType type, int count)
      throws InvalidInputException {
    InputHeader header = input.header();
    Buffer buffer = type == DataType.BYTES ? null : type.allocate(count);
    String[] strings = type == DataType.BYTES ? new String[count] : null;
    try (JsonParser parser = JsonSupport.FACTORY.createParser(body, input.dataOffset(), input.dataLength())) {
      int index = 0;
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.START_ARRAY || token == JsonToken.END_ARRAY) {
          continue;
        }
        Element element = new Element(parser, token, header.name(), index, type);
        if (strings != null) {
          strings[index] = element.string();
        } else {
          put(buffer, index, element);
        }
        index++;
      }
    } catch (IOException e) {
      throw new InvalidInputException("input '" + header.name() + "': unreadable data: " + e.getMessage());
    }
    return strings != null
        ? Tensor.strings(header.name(), header.shape(), strings)
        : Tensor.numeric(header.name(), type, header.shape(), buffer);
  }

  private static void put(Buffer buffer, int index, Element e) throws IOException, InvalidInputException {
    switch (e.type) {
      case FP32 -> ((FloatBuffer) buffer).put(index, e.fp32());
      case FP64 -> ((DoubleBuffer) buffer).put(index, e.fp64());
      case FP16 -> ((ShortBuffer) buffer).put(index, e.fp16());
      case BF16 -> ((ShortBuffer) buffer).put(index, e.bf16());
      case INT64 -> ((LongBuffer) buffer).put(index, e.integer(Long.MIN_VALUE, Long.MAX_VALUE));
      case UINT64 -> ((LongBuffer) buffer).put(index, e.uint64());
      case INT32 -> ((IntBuffer) buffer).put(index, (int) e.integer(Integer.MIN_VALUE, Integer.MAX_VALUE));
      case UINT32 -> ((IntBuffer) buffer).put(index, (int) e.integer(0, 0xffff_ffffL));
      case INT16 -> ((ShortBuffer) buffer).put(index, (short) e.integer(Short.MIN_VALUE, Short.MAX_VALUE));
      case UINT16 -> ((ShortBuffer) buffer).put(index, (short) e.integer(0, 0xffff));
      case INT8 -> ((ByteBuffer) buffer).put(index, (byte) e.integer(Byte.MIN_VALUE, Byte.MAX_VALUE));
      case UINT8 -> ((ByteBuffer) buffer).put(index, (byte) e.integer(0, 255));
      case BOOL -> ((ByteBuffer) buffer).put(index, e.bool());
      case BYTES -> throw new AssertionError("BYTES is not held in a buffer");
    }
  }

  /** The scalar under the parser, read as the input's type. */
  private record Element(JsonParser parser, JsonToken token, String input, int index, DataType type) {

    float fp32() throws IOException, InvalidInputException {
      requireNumber();
      float value = parser.getFloatValue();
      if (Float.isInfinite(value)) {
        throw outOfRange();
      }
      return value;
    }

    double fp64() throws IOException, InvalidInputException {
      requireNumber();
      double value = parser.getDoubleValue();
      if (Double.isInfinite(value)) {
        throw outOfRange();
      }
      return value;
    }

    short fp16() throws IOException, InvalidInputException {
      short half = Fp16.fromFloat(fp32());
      if (Float.isInfinite(Fp16.toFloat(half))) {
        throw outOfRange();
      }
      return half;
    }

    short bf16() throws IOException, InvalidInputException {
      short bits = Bf16.fromFloat(fp32());
      if (Float.isInfinite(Bf16.toFloat(bits))) {
        throw outOfRange();
      }
      return bits;
    }

    /** An integer in [0, 2^64 - 1], exact, as the bits of a long (values past Long.MAX_VALUE come out negative). */
    long uint64() throws IOException, InvalidInputException {
      if (token != JsonToken.VALUE_NUMBER_INT) {
        throw new InvalidInputException(where() + " is " + describe() + ", not an integer");
      }
      if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        BigInteger value = parser.getBigIntegerValue();
        if (value.signum() < 0 || value.bitLength() > 64) {
          throw outOfRange();
        }
        return value.longValue();
      }
      long value = parser.getLongValue();
      if (value < 0) {
        throw outOfRange();
      }
      return value;
    }

    long integer(long min, long max) throws IOException, InvalidInputException {
      if (token != JsonToken.VALUE_NUMBER_INT) {
        throw new InvalidInputException(where() + " is " + describe() + ", not an integer");
      }
      if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw outOfRange();
      }
      long value = parser.getLongValue();
      if (value < min || value > max) {
        throw outOfRange();
      }
      return value;
    }

    byte bool() throws InvalidInputException, IOException {
      if (token == JsonToken.VALUE_TRUE) {
        return 1;
      }
      if (token == JsonToken.VALUE_FALSE) {
        return 0;
      }
      throw new InvalidInputException(where() + " is " + describe() + ", not a boolean");
    }

    String string() throws IOException, InvalidInputException {
      if (token != JsonToken.VALUE_STRING) {
        throw new InvalidInputException(where() + " is " + describe() + ", not a string");
      }
      return parser.getText();
    }

    private void requireNumber() throws IOException, InvalidInputException {
      if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
        throw new InvalidInputException(where() + " is " + describe() + ", not a number");
      }
    }

    private InvalidInputException outOfRange() throws IOException {
      return new InvalidInputException(where() + " (" + parser.getText() + ") is out of range for " + type);
    }

    private String where() {
      return "input '" + input + "': element " + index;
    }

    private String describe() throws IOException {
      return switch (token) {
        case VALUE_STRING -> "a string";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        case VALUE_NULL -> "null";
        default -> parser.getText();
      };
    }
  }
}

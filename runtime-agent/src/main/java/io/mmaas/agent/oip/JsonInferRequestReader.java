package io.mmaas.agent.oip;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * First pass over an OIP JSON request (or the JSON header of a binary-extension request): reads id, input headers,
 * requested outputs and the binary-extension parameters, and for each input's {@code data} only counts the elements
 * and remembers where the array lies in the body, so no tensor data is materialised before the request is known to
 * be valid. Object members may come in any order.
 */
final class JsonInferRequestReader {

  /**
   * The request's structure.
   *
   * @param outputs null when the request did not name any
   * @param binaryOutput the request-level {@code parameters.binary_data_output}
   */
  record Parsed(String id, List<JsonInput> inputs, List<OutputRequest> outputs, boolean binaryOutput) {}

  /**
   * One input: its header and the byte range of its {@code data} array within the body, or, for a binary input,
   * {@code binarySize} (its {@code parameters.binary_data_size}; -1 for a JSON input).
   */
  record JsonInput(InputHeader header, int dataOffset, int dataLength, long binarySize) {
    boolean binary() {
      return binarySize >= 0;
    }
  }

  /** One requested output; {@code binary} is its {@code parameters.binary_data}, null when not given. */
  record OutputRequest(String name, Boolean binary) {}

  private JsonInferRequestReader() {}

  static Parsed read(byte[] body) throws InvalidInputException {
    return read(body, body.length);
  }

  /** Reads the JSON in {@code body[0, length)}. */
  static Parsed read(byte[] body, int length) throws InvalidInputException {
    try (JsonParser parser = JsonSupport.FACTORY.createParser(body, 0, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidInputException("request body must be a JSON object");
      }
      String id = null;
      List<JsonInput> inputs = null;
      List<OutputRequest> outputs = null;
      boolean binaryOutput = false;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "id" -> id = string(parser, value, "id");
          case "inputs" -> inputs = readInputs(parser, value);
          case "outputs" -> outputs = readOutputs(parser, value);
          case "parameters" -> binaryOutput = readRequestParameters(parser, value);
          default -> parser.skipChildren(); // anything this agent does not use
        }
      }
      if (parser.nextToken() != null) {
        throw new InvalidInputException("malformed JSON: unexpected content after the request object");
      }
      if (inputs == null || inputs.isEmpty()) {
        throw new InvalidInputException("request has no inputs");
      }
      return new Parsed(id, inputs, outputs, binaryOutput);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("malformed JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
    } catch (IOException e) {
      throw new InvalidInputException("unreadable request body: " + e.getMessage());
    }
  }

  private static List<JsonInput> readInputs(JsonParser parser, JsonToken value) throws IOException, InvalidInputException {
    if (value != JsonToken.START_ARRAY) {
      throw new InvalidInputException("inputs must be an array");
    }
    List<JsonInput> inputs = new ArrayList<>();
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      if (token != JsonToken.START_OBJECT) {
        throw new InvalidInputException("inputs[" + inputs.size() + "] must be an object");
      }
      inputs.add(readInput(parser, inputs.size()));
    }
    return inputs;
  }

  private static JsonInput readInput(JsonParser parser, int index) throws IOException, InvalidInputException {
    String where = "inputs[" + index + "]";
    String name = null;
    String datatype = null;
    long[] shape = null;
    int dataOffset = -1;
    int dataLength = 0;
    long elements = 0;
    long binarySize = -1;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "name" -> name = string(parser, value, where + ".name");
        case "datatype" -> datatype = string(parser, value, where + ".datatype");
        case "shape" -> shape = readShape(parser, value, where);
        case "data" -> {
          if (value != JsonToken.START_ARRAY) {
            throw new InvalidInputException(where + ".data must be an array");
          }
          dataOffset = (int) parser.currentTokenLocation().getByteOffset();
          elements = countElements(parser, where);
          dataLength = (int) parser.currentLocation().getByteOffset() - dataOffset;
        }
        case "parameters" -> binarySize = readInputParameters(parser, value, where);
        default -> parser.skipChildren();
      }
    }
    if (name == null) {
      throw new InvalidInputException(where + " has no name");
    }
    String named = "input '" + name + "'";
    if (datatype == null) {
      throw new InvalidInputException(named + " has no datatype");
    }
    if (shape == null) {
      throw new InvalidInputException(named + " has no shape");
    }
    if (dataOffset >= 0 && binarySize >= 0) {
      throw new InvalidInputException(named + " has both data and parameters.binary_data_size");
    }
    if (dataOffset < 0 && binarySize < 0) {
      throw new InvalidInputException(named + " has no data");
    }
    return new JsonInput(new InputHeader(name, datatype, shape, elements), dataOffset, dataLength, binarySize);
  }

  /** Reads an input's parameters; returns its binary_data_size, or -1 when it has none. */
  private static long readInputParameters(JsonParser parser, JsonToken value, String where)
      throws IOException, InvalidInputException {
    if (value != JsonToken.START_OBJECT) {
      throw new InvalidInputException(where + ".parameters must be an object");
    }
    long size = -1;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken member = parser.nextToken();
      if (field.equals("binary_data_size")) {
        if (member != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            || parser.getLongValue() < 0) {
          throw new InvalidInputException(where + ".parameters.binary_data_size must be a non-negative integer");
        }
        size = parser.getLongValue();
      } else {
        parser.skipChildren();
      }
    }
    return size;
  }

  /** Reads the request's parameters; returns binary_data_output. */
  private static boolean readRequestParameters(JsonParser parser, JsonToken value)
      throws IOException, InvalidInputException {
    if (value != JsonToken.START_OBJECT) {
      throw new InvalidInputException("parameters must be an object");
    }
    boolean binary = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken member = parser.nextToken();
      if (field.equals("binary_data_output")) {
        binary = bool(member, "parameters.binary_data_output");
      } else {
        parser.skipChildren();
      }
    }
    return binary;
  }

  private static boolean bool(JsonToken value, String where) throws InvalidInputException {
    if (value == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (value == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw new InvalidInputException(where + " must be true or false");
  }

  private static long[] readShape(JsonParser parser, JsonToken value, String where) throws IOException, InvalidInputException {
    if (value != JsonToken.START_ARRAY) {
      throw new InvalidInputException(where + ".shape must be an array of integers");
    }
    List<Long> dims = new ArrayList<>();
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      if (token != JsonToken.VALUE_NUMBER_INT) {
        throw new InvalidInputException(where + ".shape must be an array of integers");
      }
      if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw new InvalidInputException(where + ".shape has a dimension too large: " + parser.getText());
      }
      dims.add(parser.getLongValue());
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  /** Walks a data array (the parser is on its START_ARRAY) and counts the scalars in it, at any nesting. */
  private static long countElements(JsonParser parser, String where) throws IOException, InvalidInputException {
    long count = 0;
    int depth = 1;
    while (depth > 0) {
      JsonToken token = parser.nextToken();
      if (token == JsonToken.START_ARRAY) {
        depth++;
      } else if (token == JsonToken.END_ARRAY) {
        depth--;
      } else if (token == JsonToken.START_OBJECT) {
        throw new InvalidInputException(where + ".data must hold scalars or nested arrays, not objects");
      } else {
        count++;
      }
    }
    return count;
  }

  private static List<OutputRequest> readOutputs(JsonParser parser, JsonToken value)
      throws IOException, InvalidInputException {
    if (value != JsonToken.START_ARRAY) {
      throw new InvalidInputException("outputs must be an array");
    }
    List<OutputRequest> names = new ArrayList<>();
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      String where = "outputs[" + names.size() + "]";
      if (token != JsonToken.START_OBJECT) {
        throw new InvalidInputException(where + " must be an object");
      }
      String name = null;
      Boolean binary = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken member = parser.nextToken();
        if (field.equals("name")) {
          name = string(parser, member, where + ".name");
        } else if (field.equals("parameters")) {
          binary = readOutputParameters(parser, member, where);
        } else {
          parser.skipChildren();
        }
      }
      if (name == null) {
        throw new InvalidInputException(where + " has no name");
      }
      names.add(new OutputRequest(name, binary));
    }
    return names;
  }

  private static Boolean readOutputParameters(JsonParser parser, JsonToken value, String where)
      throws IOException, InvalidInputException {
    if (value != JsonToken.START_OBJECT) {
      throw new InvalidInputException(where + ".parameters must be an object");
    }
    Boolean binary = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken member = parser.nextToken();
      if (field.equals("binary_data")) {
        binary = bool(member, where + ".parameters.binary_data");
      } else {
        parser.skipChildren();
      }
    }
    return binary;
  }

  private static String string(JsonParser parser, JsonToken value, String where) throws IOException, InvalidInputException {
    if (value != JsonToken.VALUE_STRING) {
      throw new InvalidInputException(where + " must be a string");
    }
    return parser.getText();
  }
}

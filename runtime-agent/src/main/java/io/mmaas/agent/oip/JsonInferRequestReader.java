package io.mmaas.agent.oip;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * First pass over an OIP JSON request: reads id, input headers and requested outputs, and for each input's
 * {@code data} only counts the elements and remembers where the array lies in the body, so no tensor data is
 * materialised before the request is known to be valid. Object members may come in any order.
 */
final class JsonInferRequestReader {

  /** The request's structure. {@code outputs} is null when the request did not name any. */
  record Parsed(String id, List<JsonInput> inputs, List<String> outputs) {}

  /** One input: its header and the byte range of its {@code data} array within the body. */
  record JsonInput(InputHeader header, int dataOffset, int dataLength) {}

  private JsonInferRequestReader() {}

  static Parsed read(byte[] body) throws InvalidInputException {
    try (JsonParser parser = JsonSupport.FACTORY.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidInputException("request body must be a JSON object");
      }
      String id = null;
      List<JsonInput> inputs = null;
      List<String> outputs = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "id" -> id = string(parser, value, "id");
          case "inputs" -> inputs = readInputs(parser, value);
          case "outputs" -> outputs = readOutputs(parser, value);
          default -> parser.skipChildren(); // "parameters" and anything this agent does not use
        }
      }
      if (parser.nextToken() != null) {
        throw new InvalidInputException("malformed JSON: unexpected content after the request object");
      }
      if (inputs == null || inputs.isEmpty()) {
        throw new InvalidInputException("request has no inputs");
      }
      return new Parsed(id, inputs, outputs);
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
    if (dataOffset < 0) {
      throw new InvalidInputException(named + " has no data");
    }
    return new JsonInput(new InputHeader(name, datatype, shape, elements), dataOffset, dataLength);
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

  private static List<String> readOutputs(JsonParser parser, JsonToken value) throws IOException, InvalidInputException {
    if (value != JsonToken.START_ARRAY) {
      throw new InvalidInputException("outputs must be an array");
    }
    List<String> names = new ArrayList<>();
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      String where = "outputs[" + names.size() + "]";
      if (token != JsonToken.START_OBJECT) {
        throw new InvalidInputException(where + " must be an object");
      }
      String name = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken member = parser.nextToken();
        if (field.equals("name")) {
          name = string(parser, member, where + ".name");
        } else {
          parser.skipChildren();
        }
      }
      if (name == null) {
        throw new InvalidInputException(where + " has no name");
      }
      names.add(name);
    }
    return names;
  }

  private static String string(JsonParser parser, JsonToken value, String where) throws IOException, InvalidInputException {
    if (value != JsonToken.VALUE_STRING) {
      throw new InvalidInputException(where + " must be a string");
    }
    return parser.getText();
  }
}

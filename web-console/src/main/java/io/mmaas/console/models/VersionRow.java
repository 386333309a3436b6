package io.mmaas.console.models;

import io.mmaas.console.api.Json;
import io.mmaas.console.pages.Format;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A model version: content hash, size, ONNX IR and opsets, its input and output signature, and the tenant's own
 * description and metadata (both escaped when shown).
 *
 * @param metadataJson the metadata as indented JSON, empty when there is none
 */
public record VersionRow(long version, String sha256, String sizeText, long irVersion, String opsets,
    List<TensorRow> inputs, List<TensorRow> outputs, String createdIso, String createdText, String href,
    String description, String metadataJson) {

  static VersionRow of(JsonObject v, String modelHref) {
    long version = Json.number(v, "version", 0);
    StringBuilder opsets = new StringBuilder();
    for (JsonObject o : Json.objects(v, "opsets")) {
      String domain = Json.text(o, "domain");
      opsets.append(opsets.length() == 0 ? "" : ", ").append(domain == null || domain.isEmpty() ? "ai.onnx" : domain)
          .append(' ').append(Json.number(o, "version", 0));
    }
    String description = Json.text(v, "description");
    JsonObject metadata = Json.object(v, "metadata");
    return new VersionRow(version, Json.text(v, "sha256"), Format.bytes(Json.number(v, "sizeBytes", 0)),
        Json.number(v, "irVersion", 0), opsets.toString(),
        Json.objects(v, "inputs").stream().map(TensorRow::of).toList(),
        Json.objects(v, "outputs").stream().map(TensorRow::of).toList(),
        Json.text(v, "createdAt"), Format.time(Json.text(v, "createdAt")), modelHref + "/versions/" + version,
        description == null ? "" : description, metadata.isEmpty() ? "" : metadata.encodePrettily());
  }

  /** "input FP32 [?, 4] → output FP32 [?, 3]": the signature on one line. */
  public String summary() {
    return String.join(", ", inputs.stream().map(TensorRow::text).toList()) + " → "
        + String.join(", ", outputs.stream().map(TensorRow::text).toList());
  }
}

package io.mmaas.controlplane.registry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An immutable uploaded version of a model: its content hash, size and the signature read from the ONNX file, plus
 * what may be annotated later (description, metadata, warm-up samples: OIP requests a model host runs after loading).
 */
public record ModelVersion(UUID id, UUID modelId, UUID tenantId, int version, String sha256, long sizeBytes,
                           long irVersion, JsonArray opsets, JsonArray inputs, JsonArray outputs, UUID uploadedBy,
                           OffsetDateTime createdAt, String description, JsonObject metadata, String format,
                           JsonArray warmUpSamples) {
  public static final String ONNX = "onnx";
  public static final String ARCHIVE = "onnx-archive";

  /** A version without warm-up samples (a new upload). */
  public ModelVersion(UUID id, UUID modelId, UUID tenantId, int version, String sha256, long sizeBytes,
                      long irVersion, JsonArray opsets, JsonArray inputs, JsonArray outputs, UUID uploadedBy,
                      OffsetDateTime createdAt, String description, JsonObject metadata, String format) {
    this(id, modelId, tenantId, version, sha256, sizeBytes, irVersion, opsets, inputs, outputs, uploadedBy, createdAt,
        description, metadata, format, new JsonArray());
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("version", version).put("sha256", sha256)
        .put("sizeBytes", sizeBytes).put("irVersion", irVersion).put("opsets", opsets)
        .put("inputs", inputs).put("outputs", outputs)
        .put("uploadedBy", uploadedBy == null ? null : uploadedBy.toString())
        .put("createdAt", createdAt.toInstant().toString())
        .put("description", description).put("metadata", metadata).put("format", format)
        .put("warmUpSamples", warmUpSamples.size());
  }
}

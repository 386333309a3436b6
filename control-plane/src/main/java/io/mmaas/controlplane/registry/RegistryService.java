package io.mmaas.controlplane.registry;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.Caller;
import io.mmaas.controlplane.blobs.BlobStore;
import io.mmaas.controlplane.errors.ConflictException;
import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.quotas.ResourceLimits;
import io.mmaas.controlplane.tenants.Tenant;
import io.mmaas.onnx.InvalidModelException;
import io.mmaas.onnx.ModelArchive;
import io.mmaas.onnx.ModelSignature;
import io.mmaas.onnx.OnnxInspector;
import io.mmaas.onnx.TensorInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The model registry: models per tenant and their immutable versions. An upload arrives as a temporary file; it is
 * hashed and validated on a worker thread (never loading the model into the heap), streamed once by content into the
 * blob store, and recorded with its signature in the same transaction as its audit event.
 */
public final class RegistryService {
  private final Vertx vertx;
  private final Pool pool;
  private final RegistryRepository repo;
  private final BlobStore blobs;
  private final UploadFiles uploads;
  private final AccessPolicy policy;
  private final AuditWriter audit;
  private final ResourceLimits limits;
  private final long maxModelBytes;
  private final io.mmaas.controlplane.deployments.DeploymentRepository inUse;
  private final Clock clock;

  public RegistryService(Vertx vertx, Pool pool, RegistryRepository repo, BlobStore blobs, UploadFiles uploads,
                         AccessPolicy policy,
                         AuditWriter audit, ResourceLimits limits,
                         io.mmaas.controlplane.deployments.DeploymentRepository inUse, long maxModelBytes,
                         Clock clock) {
    this.maxModelBytes = maxModelBytes;
    this.inUse = inUse;
    this.limits = limits;
    this.vertx = vertx;
    this.pool = pool;
    this.repo = repo;
    this.blobs = blobs;
    this.uploads = uploads;
    this.policy = policy;
    this.audit = audit;
    this.clock = clock;
  }

  public BlobStore blobs() {
    return blobs;
  }

  public UploadFiles uploads() {
    return uploads;
  }

  public Future<Model> createModel(Caller caller, Tenant tenant, String name, String description) {
    policy.requireTenantChange(caller, tenant);
    Model model = new Model(UUID.randomUUID(), tenant.id(), name, description == null ? "" : description, now());
    return pool.withTransaction(conn -> limits.reserveModel(conn, tenant.id()).compose(x -> repo.insertModel(conn, model)).compose(inserted -> {
      if (!inserted) {
        return Future.failedFuture(new ConflictException("model '" + name + "' already exists"));
      }
      return audit.append(conn, caller, AuditRecord.success("model.create", tenant.id(), "model", model.id(),
          new JsonObject().put("after", model.toJson()))).map(model);
    }));
  }

  public Future<Model> model(Caller caller, Tenant tenant, String name) {
    policy.requireTenantRead(caller, tenant.id());
    return repo.findModel(pool, tenant.id(), name).compose(m -> m == null
        ? Future.failedFuture(new NotFoundException("model '" + name + "' not found")) : Future.succeededFuture(m));
  }

  public Future<Pages.Page<Model>> models(Caller caller, Tenant tenant, Pages.PageRequest page) {
    policy.requireTenantRead(caller, tenant.id());
    Pages.Cursor c = page.after();
    return repo.models(pool, tenant.id(), page.limit() + 1, c == null ? null : c.createdAt(), c == null ? null : c.id())
        .map(rows -> Pages.Page.of(rows, page.limit(), m -> new Pages.Cursor(m.createdAt(), m.id())));
  }

  public Future<List<ModelVersion>> versions(Caller caller, Tenant tenant, String modelName, int limit, int afterVersion) {
    return model(caller, tenant, modelName).compose(m -> repo.versions(pool, m.id(), limit, afterVersion));
  }

  public Future<ModelVersion> version(Caller caller, Tenant tenant, String modelName, int version) {
    return model(caller, tenant, modelName).compose(m -> repo.findVersion(pool, m.id(), version)).compose(v -> v == null
        ? Future.failedFuture(new NotFoundException("version " + version + " of model '" + modelName + "' not found"))
        : Future.succeededFuture(v));
  }

  /** 409 {@code incompatible_signature}, with the diff in {@code error.details}. */
  static final class IncompatibleSignatureException extends io.mmaas.controlplane.errors.ApiException {
    private final JsonObject details;

    IncompatibleSignatureException(String message, JsonObject details) {
      super(409, "incompatible_signature", message);
      this.details = details;
    }

    @Override
    public JsonObject details() {
      return details;
    }
  }

  private static final java.util.regex.Pattern ALIAS = java.util.regex.Pattern.compile("[a-z][a-z0-9_-]{0,62}");

  /** The model's aliases. */
  public Future<List<JsonObject>> aliases(Caller caller, Tenant tenant, String modelName) {
    return model(caller, tenant, modelName).compose(m -> repo.aliases(pool, m.id()));
  }

  /**
   * Points an alias at a version. Moving an alias to a version whose signature would break the alias's clients needs
   * {@code force}; the answer carries the signature difference either way.
   */
  public Future<JsonObject> setAlias(Caller caller, Tenant tenant, String modelName, String alias, int version,
                                     boolean force) {
    policy.requireTenantChange(caller, tenant);
    if (!ALIAS.matcher(alias).matches()) {
      throw new InvalidInputException("an alias is 1-63 lowercase letters, digits, '_' or '-', starting with a letter");
    }
    return pool.withTransaction(conn -> repo.lockModel(conn, tenant.id(), modelName).compose(m -> {
      if (m == null) {
        return Future.failedFuture(new NotFoundException("model '" + modelName + "' not found"));
      }
      return repo.findVersion(conn, m.id(), version).compose(target -> {
        if (target == null) {
          return Future.failedFuture(new NotFoundException("version " + version + " of model '" + modelName + "' not found"));
        }
        return repo.versionByAlias(conn, m.id(), alias).compose(current -> {
          JsonObject diff = current == null ? null : SignatureDiff.between(current, target);
          if (diff != null && !diff.getBoolean("compatible") && !force) {
            return Future.failedFuture(new IncompatibleSignatureException("version " + version
                + " is not signature-compatible with version " + current.version() + " that '" + alias
                + "' points at: " + diff.encode() + " (set force to move it anyway)",
                new JsonObject().put("alias", alias).put("currentVersion", current.version()).put("diff", diff)));
          }
          JsonObject result = new JsonObject().put("alias", alias).put("version", version)
              .put("previousVersion", current == null ? null : current.version()).put("diff", diff)
              .put("forced", diff != null && !diff.getBoolean("compatible"));
          return repo.upsertAlias(conn, m.id(), alias, target.id(), now())
              .compose(x -> audit.append(conn, caller, AuditRecord.success("model_alias.set", tenant.id(), "model_alias",
                  m.id() + "/" + alias, new JsonObject().put("model", modelName)
                      .put("before", current == null ? null : new JsonObject().put("version", current.version()))
                      .put("after", new JsonObject().put("version", version)).put("forced", result.getBoolean("forced")))))
              .map(result);
        });
      });
    }));
  }

  public Future<Void> deleteAlias(Caller caller, Tenant tenant, String modelName, String alias) {
    policy.requireTenantWrite(caller, tenant.id());
    return pool.withTransaction(conn -> repo.lockModel(conn, tenant.id(), modelName).compose(m -> m == null
        ? Future.failedFuture(new NotFoundException("model '" + modelName + "' not found"))
        : repo.versionByAlias(conn, m.id(), alias).compose(current -> repo.deleteAlias(conn, m.id(), alias)
            .compose(deleted -> !deleted ? Future.failedFuture(new NotFoundException("alias '" + alias + "' not found"))
                : audit.append(conn, caller, AuditRecord.success("model_alias.delete", tenant.id(), "model_alias",
                    m.id() + "/" + alias, new JsonObject().put("model", modelName).put("before",
                        new JsonObject().put("version", current == null ? null : current.version())))).mapEmpty()))))
        .mapEmpty();
  }

  /** The signature difference between two versions of a model. */
  public Future<JsonObject> diff(Caller caller, Tenant tenant, String modelName, int from, int to) {
    return version(caller, tenant, modelName, from).compose(a -> version(caller, tenant, modelName, to)
        .map(b -> SignatureDiff.between(a, b)));
  }

  /**
   * Changes a version's description, metadata and/or warm-up samples (its content and signature never change). The
   * samples are checked against the version's inputs; replicas already serving keep running and use them the next
   * time they load.
   */
  public Future<ModelVersion> annotate(Caller caller, Tenant tenant, String modelName, int version, String description,
                                       JsonObject metadata, JsonArray warmUpSamples) {
    policy.requireTenantChange(caller, tenant);
    return pool.withTransaction(conn -> repo.lockModel(conn, tenant.id(), modelName).compose(m -> m == null
        ? Future.failedFuture(new NotFoundException("model '" + modelName + "' not found"))
        : repo.findVersion(conn, m.id(), version).compose(before -> {
          if (before == null) {
            return Future.failedFuture(new NotFoundException("version " + version + " of model '" + modelName + "' not found"));
          }
          String d = description == null ? before.description() : description;
          JsonObject md = metadata == null ? before.metadata() : metadata;
          JsonArray samples = warmUpSamples == null ? before.warmUpSamples()
              : WarmUpSamples.check(warmUpSamples, before.inputs());
          return repo.annotate(conn, before.id(), d, md, samples).compose(x -> repo.findVersion(conn, m.id(), version))
              .compose(after -> audit.append(conn, caller, AuditRecord.success("model_version.update", tenant.id(),
                  "model_version", before.id(), new JsonObject().put("model", modelName)
                      .put("before", new JsonObject().put("description", before.description()).put("metadata", before.metadata())
                          .put("warmUpSamples", before.warmUpSamples().size()))
                      .put("after", new JsonObject().put("description", d).put("metadata", md)
                          .put("warmUpSamples", samples.size())))).map(after));
        })));
  }

  /** Deletes a version that no deployment uses and no alias points at. */
  public Future<Void> deleteVersion(Caller caller, Tenant tenant, String modelName, int version) {
    policy.requireTenantWrite(caller, tenant.id());
    return pool.withTransaction(conn -> repo.lockModel(conn, tenant.id(), modelName).compose(m -> {
      if (m == null) {
        return Future.failedFuture(new NotFoundException("model '" + modelName + "' not found"));
      }
      return repo.findVersion(conn, m.id(), version).compose(v -> {
        if (v == null) {
          return Future.failedFuture(new NotFoundException("version " + version + " of model '" + modelName + "' not found"));
        }
        return inUse.versionInUse(conn, v.id()).compose(used -> used
            ? Future.failedFuture(new ConflictException("version " + version + " is used by a deployment"))
            : repo.aliasesOf(conn, v.id()).compose(aliases -> !aliases.isEmpty()
                ? Future.failedFuture(new ConflictException("aliases " + aliases + " point at version " + version))
                : repo.markVersionDeleted(conn, v.id()).compose(x -> audit.append(conn, caller, AuditRecord.success(
                    "model_version.delete", tenant.id(), "model_version", v.id(),
                    new JsonObject().put("model", modelName).put("before", v.toJson())))).mapEmpty()));
      });
    }));
  }

  /** Deletes a model that is not deployed, with its versions and aliases. */
  public Future<Void> deleteModel(Caller caller, Tenant tenant, String modelName) {
    policy.requireTenantWrite(caller, tenant.id());
    return pool.withTransaction(conn -> repo.lockModel(conn, tenant.id(), modelName).compose(m -> {
      if (m == null) {
        return Future.failedFuture(new NotFoundException("model '" + modelName + "' not found"));
      }
      return inUse.modelDeployed(conn, m.id()).compose(deployed -> deployed
          ? Future.failedFuture(new ConflictException("model '" + modelName + "' is deployed: delete the deployment first"))
          : repo.deleteModel(conn, m.id()).compose(x -> audit.append(conn, caller, AuditRecord.success("model.delete",
              tenant.id(), "model", m.id(), new JsonObject().put("before", m.toJson())))).mapEmpty());
    }));
  }

  /**
   * Everything an upload can be refused for before its body is read: the caller's permission, the tenant's state
   * and the model's existence. The handler calls this first and reads nothing when it fails.
   */
  public Future<Model> admitUpload(Caller caller, Tenant tenant, String modelName) {
    try {
      policy.requireTenantChange(caller, tenant);
    } catch (io.mmaas.controlplane.errors.ApiException e) {
      return Future.failedFuture(e); // a future either way: the handler must see every refusal to drop the body
    }
    return repo.findModel(pool, tenant.id(), modelName).compose(m -> m == null
        ? Future.failedFuture(new NotFoundException("model '" + modelName + "' not found")) : Future.succeededFuture(m));
  }

  /**
   * Registers an uploaded file as the model's next version. The temporary file is consumed: its content goes into the
   * blob store (the file is moved there or left for the request's end to delete), or it is deleted when the upload is
   * refused.
   */
  public Future<ModelVersion> uploadVersion(Caller caller, Tenant tenant, String modelName, Path tempFile,
                                            String description) {
    return admitUpload(caller, tenant, modelName)
        .compose(m -> vertx.executeBlocking(() -> inspect(tempFile), false))
        // quota first, so a refused version stores nothing; then the content into the store, streamed through the
        // store's own connections while no transaction of the application's pool waits on it; then the record
        .compose(stored -> pool.withTransaction(conn -> lockModel(conn, tenant, modelName)
            .compose(model -> limits.reserveStorage(conn, tenant.id(), stored.size))).map(stored))
        .compose(stored -> blobs.putFile(stored.sha256, tempFile).map(stored))
        .compose(stored -> pool.withTransaction(conn -> lockModel(conn, tenant, modelName)
            // checked again in the recording transaction: a concurrent upload may have used the quota meanwhile (its
            // content then has no READY version and the BlobCollector removes it)
            .compose(model -> limits.reserveStorage(conn, tenant.id(), stored.size)
                .compose(v -> repo.lockBlob(conn, stored.sha256))
                // under the blob's lock (the collector deletes under it too): the content must still be there, so a
                // committed version always references stored content
                .compose(v -> blobs.size(stored.sha256))
                .compose(size -> size != null && size == stored.size ? Future.<Void>succeededFuture()
                    : Future.failedFuture(new io.mmaas.controlplane.errors.UnavailableException(
                        "the model's content was collected while it was being stored: upload it again")))
                .compose(v -> repo.insertBlob(conn, stored.sha256, stored.size, now()))
                .compose(v -> repo.nextVersion(conn, model.id()))
                .compose(next -> {
                  ModelVersion version = new ModelVersion(UUID.randomUUID(), model.id(), tenant.id(), next,
                      stored.sha256, stored.size, stored.signature.irVersion(), opsets(stored.signature),
                      tensors(stored.signature.inputs()), tensors(stored.signature.outputs()), uploader(caller), now(),
                      description == null ? "" : description, new JsonObject(), stored.format);
                  return repo.insertVersion(conn, version)
                      .compose(x -> audit.append(conn, caller, AuditRecord.success("model_version.create",
                          tenant.id(), "model_version", version.id(), new JsonObject()
                              .put("model", modelName).put("after", version.toJson()))))
                      .map(version);
                }))))
        .onFailure(e -> vertx.executeBlocking(() -> Files.deleteIfExists(tempFile), false));
  }

  private Future<Model> lockModel(io.vertx.sqlclient.SqlConnection conn, Tenant tenant, String modelName) {
    return repo.lockModel(conn, tenant.id(), modelName).compose(model -> model == null
        ? Future.failedFuture(new NotFoundException("model '" + modelName + "' not found"))
        : Future.succeededFuture(model));
  }

  private record Stored(String sha256, long size, ModelSignature signature, String format) {
  }

  private Stored inspect(Path tempFile) throws IOException {
    long size = Files.size(tempFile);
    if (size == 0) {
      throw new InvalidInputException("the request body is empty: send the ONNX file as the body");
    }
    ModelSignature signature;
    boolean archive = ModelArchive.isZip(tempFile);
    Path extracted = archive ? uploads.tempDir().resolve(tempFile.getFileName() + ".d") : null;
    try {
      signature = archive
          ? ModelArchive.extract(tempFile, extracted, new ModelArchive.Limits(10_000, maxModelBytes, maxModelBytes))
              .signature()
          : OnnxInspector.inspect(tempFile);
    } catch (InvalidModelException e) {
      throw new InvalidInputException((archive ? "not a valid model archive: " : "not a valid ONNX model: ")
          + e.getMessage());
    } finally {
      if (extracted != null) {
        deleteTree(extracted);
      }
    }
    if (!archive && !signature.externalDataLocations().isEmpty()) {
      throw new InvalidInputException("this model keeps tensors in external files: upload a zip archive holding the "
          + ".onnx file and those files");
    }
    String sha256 = sha256(tempFile);
    return new Stored(sha256, size, signature, archive ? ModelVersion.ARCHIVE : ModelVersion.ONNX);
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: the temp folder is cleaned again at the next start
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // the digest sees every byte as it is read
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonArray opsets(ModelSignature s) {
    JsonArray out = new JsonArray();
    s.opsets().forEach(o -> out.add(new JsonObject().put("domain", o.domain()).put("version", o.version())));
    return out;
  }

  static JsonArray tensors(List<TensorInfo> infos) {
    JsonArray out = new JsonArray();
    infos.forEach(t -> out.add(new JsonObject().put("name", t.name()).put("datatype", t.datatype())
        .put("shape", new JsonArray(List.copyOf(t.shape())))));
    return out;
  }

  private static UUID uploader(Caller caller) {
    return "user".equals(caller.actor().type()) ? UUID.fromString(caller.actor().id()) : null;
  }

  private OffsetDateTime now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }
}

package io.mmaas.controlplane.registry;

import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.errors.PayloadTooLargeException;
import io.mmaas.controlplane.http.Bodies;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.http.Responses;
import io.mmaas.controlplane.tenants.TenantHandler;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Model and version routes. Uploads stream the raw ONNX body to a temporary file with a size limit. */
public final class RegistryHandler {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
  private static final Pattern DESCRIPTION = Pattern.compile("(?s).{0,4000}");
  /** How much of a refused upload's body is read (and dropped) before its connection is closed. */
  static final long REFUSED_BODY_DROP_BYTES = 1L << 20;

  private final RegistryService registry;
  private final long maxModelBytes;

  public RegistryHandler(RegistryService registry, long maxModelBytes) {
    this.registry = registry;
    this.maxModelBytes = maxModelBytes;
  }

  public void createModel(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("name", "description"));
    String name = Bodies.requiredString(body, "name", NAME,
        "must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit");
    String description = Bodies.optionalString(body, "description", DESCRIPTION, "must have at most 4000 characters");
    Responses.reply(ctx, 201, registry.createModel(Callers.of(ctx), TenantHandler.tenant(ctx), name, description)
        .map(Model::toJson));
  }

  public void listModels(RoutingContext ctx) {
    Responses.reply(ctx, 200, registry.models(Callers.of(ctx), TenantHandler.tenant(ctx), Pages.from(ctx))
        .map(p -> p.toJson(Model::toJson)));
  }

  public void getModel(RoutingContext ctx) {
    Responses.reply(ctx, 200, registry.model(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"))
        .map(Model::toJson));
  }

  public void listVersions(RoutingContext ctx) {
    Pages.PageRequest page = Pages.from(ctx);
    int after = 0;
    String afterParam = ctx.request().getParam("afterVersion");
    if (afterParam != null) {
      try {
        after = Integer.parseInt(afterParam);
      } catch (NumberFormatException e) {
        throw new InvalidInputException("parameter 'afterVersion' must be an integer");
      }
    }
    int limit = page.limit();
    Responses.reply(ctx, 200, registry.versions(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"),
        limit + 1, after).map(rows -> {
          JsonArray items = new JsonArray();
          rows.stream().limit(limit).forEach(v -> items.add(v.toJson()));
          String next = rows.size() > limit ? Integer.toString(rows.get(limit - 1).version()) : null;
          return new JsonObject().put("items", items).put("nextAfterVersion", next);
        }));
  }

  public void getVersion(RoutingContext ctx) {
    Responses.reply(ctx, 200, registry.version(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"),
        versionParam(ctx)).map(ModelVersion::toJson));
  }

  /**
   * PATCH {@code {"description"?, "metadata"?, "warmUpSamples"?}} (metadata: a JSON object of at most 16 KiB;
   * warmUpSamples: OIP inference requests, see {@link WarmUpSamples}).
   */
  public void annotateVersion(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("description", "metadata", "warmUpSamples"));
    String description = Bodies.optionalString(body, "description", DESCRIPTION, "must have at most 4000 characters");
    Object metadata = body.getValue("metadata");
    if (metadata != null && (!(metadata instanceof JsonObject m) || m.encode().length() > 16_384)) {
      throw new InvalidInputException("field 'metadata' must be a JSON object of at most 16 KiB");
    }
    Object samples = body.getValue("warmUpSamples");
    if (samples != null && !(samples instanceof io.vertx.core.json.JsonArray)) {
      throw new InvalidInputException("field 'warmUpSamples' must be an array of OIP inference requests");
    }
    Responses.reply(ctx, 200, registry.annotate(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"),
        versionParam(ctx), description, (JsonObject) metadata, (io.vertx.core.json.JsonArray) samples)
        .map(ModelVersion::toJson));
  }

  public void deleteVersion(RoutingContext ctx) {
    registry.deleteVersion(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"), versionParam(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  public void deleteModel(RoutingContext ctx) {
    registry.deleteModel(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  /** {@code ?against=<version>} (default: the previous version): how this version's signature differs. */
  public void diff(RoutingContext ctx) {
    int version = versionParam(ctx);
    int against;
    try {
      String param = ctx.request().getParam("against");
      against = param == null ? Math.max(1, version - 1) : Integer.parseInt(param);
    } catch (NumberFormatException e) {
      throw new InvalidInputException("parameter 'against' must be a version number");
    }
    Responses.reply(ctx, 200, registry.diff(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"), against,
        versionParam(ctx)));
  }

  public void aliases(RoutingContext ctx) {
    Responses.reply(ctx, 200, registry.aliases(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"))
        .map(list -> new JsonObject().put("items", new JsonArray(list)).put("nextCursor", null)));
  }

  /** PUT {@code {"version", "force"?}}. */
  public void setAlias(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("version", "force"));
    Integer version = Bodies.optionalInt(body, "version", 1, Integer.MAX_VALUE);
    if (version == null) {
      throw new InvalidInputException("field 'version' is required");
    }
    Object force = body.getValue("force");
    if (force != null && !(force instanceof Boolean)) {
      throw new InvalidInputException("field 'force' must be true or false");
    }
    Responses.reply(ctx, 200, registry.setAlias(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"),
        ctx.pathParam("alias"), version, Boolean.TRUE.equals(force)));
  }

  public void deleteAlias(RoutingContext ctx) {
    registry.deleteAlias(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"), ctx.pathParam("alias"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private static int versionParam(RoutingContext ctx) {
    try {
      return Integer.parseInt(ctx.pathParam("version"));
    } catch (NumberFormatException e) {
      throw new NotFoundException("version not found");
    }
  }

  /** Streams the body into a temporary file (limit enforced while reading), then registers it as a version. */
  public void upload(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String declared = req.getHeader("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared) > maxModelBytes) {
          ctx.fail(new PayloadTooLargeException("model larger than " + maxModelBytes + " bytes"));
          return;
        }
      } catch (NumberFormatException e) {
        ctx.fail(new InvalidInputException("invalid Content-Length"));
        return;
      }
    }
    String description = req.getParam("description");
    if (description != null && description.length() > 4000) {
      ctx.fail(new InvalidInputException("parameter 'description' must have at most 4000 characters"));
      return;
    }
    // permission, tenant state and the model first: a refused upload is answered at once and its body is never
    // stored; what the client sends anyway is dropped as it comes (so the answer reaches it), up to a limit, and
    // then the connection is closed
    registry.admitUpload(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"))
        .onFailure(e -> {
          long[] dropped = {0};
          req.handler(chunk -> {
            dropped[0] += chunk.length();
            if (dropped[0] > REFUSED_BODY_DROP_BYTES) {
              req.connection().close();
            }
          });
          req.exceptionHandler(x -> { });
          req.resume();
          ctx.fail(e);
        })
        .onSuccess(model -> {
          Path temp = registry.uploads().tempDir().resolve("upload-" + UUID.randomUUID());
          var fs = ctx.vertx().fileSystem();
          // whatever happens to the request, the temporary file does not outlive it (once stored, it was moved)
          ctx.addEndHandler(v -> fs.exists(temp.toString()).onSuccess(exists -> {
            if (exists) {
              fs.delete(temp.toString());
            }
          }));
          fs.open(temp.toString(), new OpenOptions().setCreateNew(true).setWrite(true)).onFailure(ctx::fail)
              .onSuccess(file -> receive(ctx, req, file, temp, description));
        });
  }

  private void receive(RoutingContext ctx, HttpServerRequest req, AsyncFile file, Path temp, String description) {
    long[] received = {0};
    boolean[] aborted = {false};
    req.handler(chunk -> {
      if (aborted[0]) {
        return;
      }
      received[0] += chunk.length();
      if (received[0] > maxModelBytes) {
        aborted[0] = true;
        file.close().onComplete(x -> ctx.vertx().fileSystem().delete(temp.toString()));
        ctx.response().putHeader("Connection", "close");
        ctx.fail(new PayloadTooLargeException("model larger than " + maxModelBytes + " bytes"));
        return;
      }
      file.write(chunk);
      if (file.writeQueueFull()) {
        req.pause();
        file.drainHandler(v -> req.resume());
      }
    });
    req.exceptionHandler(e -> {
      if (!aborted[0]) {
        aborted[0] = true;
        file.close().onComplete(x -> ctx.vertx().fileSystem().delete(temp.toString()));
      }
    });
    req.endHandler(v -> {
      if (aborted[0]) {
        return;
      }
      file.close()
          .compose(x -> registry.uploadVersion(Callers.of(ctx), TenantHandler.tenant(ctx), ctx.pathParam("model"), temp,
              description))
          .onSuccess(version -> Responses.json(ctx, 201, version.toJson().put("model", ctx.pathParam("model"))))
          .onFailure(ctx::fail);
    });
    req.resume();
  }
}

package io.mmaas.controlplane.http;

import io.mmaas.controlplane.errors.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Keyset pagination for every list: {@code ?limit=1..200&after=<cursor>}; the cursor is an opaque token for the
 * last (created_at, id) returned, so pages stay fast and stable while rows are added.
 */
public final class Pages {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  private Pages() {
  }

  /** Where a page starts and how many rows it has. {@code after} is null for the first page. */
  public record PageRequest(int limit, Cursor after) {
  }

  /** A position in a list ordered by (created_at, id). */
  public record Cursor(OffsetDateTime createdAt, UUID id) {
    public String encode() {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString((createdAt + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String token) {
      try {
        String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        int bar = s.indexOf('|');
        return new Cursor(OffsetDateTime.parse(s.substring(0, bar)), UUID.fromString(s.substring(bar + 1)));
      } catch (RuntimeException e) {
        throw new InvalidInputException("parameter 'after' is not a valid cursor");
      }
    }
  }

  /** One page of results; the repository fetched limit + 1 rows to know whether there is a next page. */
  public record Page<T>(List<T> items, String nextCursor) {
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, Cursor> cursorOf) {
      if (fetched.size() <= limit) {
        return new Page<>(fetched, null);
      }
      List<T> items = List.copyOf(fetched.subList(0, limit));
      return new Page<>(items, cursorOf.apply(items.get(limit - 1)).encode());
    }

    public JsonObject toJson(Function<T, JsonObject> mapper) {
      JsonArray array = new JsonArray();
      items.forEach(i -> array.add(mapper.apply(i)));
      return new JsonObject().put("items", array).put("nextCursor", nextCursor);
    }
  }

  public static PageRequest from(RoutingContext ctx) {
    String limitParam = ctx.request().getParam("limit");
    int limit = DEFAULT_LIMIT;
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam);
      } catch (NumberFormatException e) {
        throw new InvalidInputException("parameter 'limit' must be an integer");
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new InvalidInputException("parameter 'limit' must be between 1 and " + MAX_LIMIT);
      }
    }
    String after = ctx.request().getParam("after");
    return new PageRequest(limit, after == null || after.isEmpty() ? null : Cursor.decode(after));
  }
}

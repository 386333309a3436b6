package io.mmaas.controlplane.blobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs as objects {@code sha256/<64 hex>} in an S3-compatible bucket ({@code MMAAS_BLOB_STORE=s3}), for clusters
 * (the Helm chart's choice). The SDK's synchronous client runs on worker threads, one request at a time per transfer.
 * A put of more than one {@link #PART} is a multipart upload completed only once the streamed content hashed to its
 * name (aborted otherwise), so a blob is whole or absent; a smaller one is a single PUT. A read streams the GET's body
 * in 1 MiB buffers.
 */
public final class S3BlobStore implements BlobStore {
  static final int PART = 8 << 20;
  private static final int READ = 1 << 20;
  private static final String PREFIX = "sha256/";

  /** Where the bucket is and how to sign in; {@code endpoint} null means AWS itself, keys null the SDK's chain. */
  public record Settings(String endpoint, String bucket, String region, String accessKey, String secretKey,
                         boolean pathStyle) {
  }

  private final Vertx vertx;
  private final S3Client s3;
  private final String bucket;

  public S3BlobStore(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.bucket = settings.bucket();
    AwsCredentialsProvider credentials = settings.accessKey() == null ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
    var builder = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(java.time.Duration.ofSeconds(5))
            .socketTimeout(java.time.Duration.ofSeconds(60)))
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials)
        .forcePathStyle(settings.pathStyle())
        // checksums only where the API requires them: S3-compatible servers differ in the newer trailing checksums
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (settings.endpoint() != null) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    this.s3 = builder.build();
  }

  @Override
  public Future<BlobInfo> put(String sha256, ReadStream<Buffer> content) {
    String key = key(sha256);
    var upload = new Object() {
      String uploadId;
      final List<CompletedPart> parts = new ArrayList<>();
    };
    return size(sha256).compose(existing -> existing != null ? Future.succeededFuture(new BlobInfo(sha256, existing))
        : Chunker.consume(vertx, content, PART, (seq, chunk, last) -> vertx.executeBlocking(() -> {
              if (seq == 0 && last) {
                // one part in all: its hash can be checked before anything is written
                String actual = sha256Of(chunk);
                if (!actual.equals(sha256)) {
                  throw new DigestMismatchException(sha256, actual);
                }
                s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/octet-stream"),
                    RequestBody.fromBytes(chunk.getBytes()));
                return null;
              }
              if (seq == 0) {
                upload.uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
                    .contentType("application/octet-stream")).uploadId();
              }
              String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(upload.uploadId).partNumber(seq + 1),
                  RequestBody.fromBytes(chunk.getBytes())).eTag();
              upload.parts.add(CompletedPart.builder().partNumber(seq + 1).eTag(etag).build());
              return null;
            }, false))
            .compose(info -> vertx.executeBlocking(() -> {
              if (upload.uploadId == null) {
                if (info.size() == 0) {
                  checkDigest(sha256, info);
                  s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.empty());
                }
                return info;
              }
              checkDigest(sha256, info);
              s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(upload.uploadId)
                  .multipartUpload(CompletedMultipartUpload.builder().parts(upload.parts).build()));
              upload.uploadId = null;
              return info;
            }, false))
            .onFailure(e -> {
              if (upload.uploadId != null) {
                String id = upload.uploadId;
                vertx.executeBlocking(() -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id)),
                    false);
              }
            }));
  }

  private static void checkDigest(String expected, BlobInfo info) {
    if (!info.sha256().equals(expected)) {
      throw new DigestMismatchException(expected, info.sha256());
    }
  }

  private static String sha256Of(Buffer chunk) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(chunk.getBytes()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Future<BlobInfo> putFile(String sha256, Path file) {
    return BlobStore.streamFile(vertx, this, sha256, file);
  }

  @Override
  public Future<BlobContent> get(String sha256) {
    String key = key(sha256);
    var context = vertx.getOrCreateContext();
    return vertx.<ResponseInputStream<GetObjectResponse>>executeBlocking(() -> {
      try {
        return s3.getObject(b -> b.bucket(bucket).key(key));
      } catch (NoSuchKeyException e) {
        return null;
      }
    }, false).map(in -> {
      if (in == null) {
        return null;
      }
      Runnable release = () -> vertx.executeBlocking(() -> {
        in.abort(); // a body not read to its end would otherwise be drained to reuse the connection
        in.close();
        return null;
      }, false);
      boolean[] closed = {false};
      Runnable closeOnce = () -> {
        if (!closed[0]) {
          closed[0] = true;
          release.run();
        }
      };
      return new BlobContent(in.response().contentLength(),
          new PullReadStream(context, () -> vertx.executeBlocking(() -> readChunk(in), true), closeOnce), null,
          () -> {
            context.runOnContext(v -> closeOnce.run());
            return Future.succeededFuture();
          });
    });
  }

  private static Buffer readChunk(InputStream in) throws IOException {
    byte[] buf = in.readNBytes(READ);
    return buf.length == 0 ? null : Buffer.buffer(buf);
  }

  @Override
  public Future<Long> size(String sha256) {
    String key = key(sha256);
    return vertx.executeBlocking(() -> {
      try {
        return s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
      } catch (NoSuchKeyException e) {
        return null;
      } catch (S3Exception e) {
        if (e.statusCode() == 404) {
          return null;
        }
        throw e;
      }
    }, false);
  }

  @Override
  public Future<Boolean> delete(String sha256) {
    String key = key(sha256);
    return size(sha256).compose(size -> size == null ? Future.succeededFuture(false)
        : vertx.executeBlocking(() -> {
          s3.deleteObject(b -> b.bucket(bucket).key(key));
          return true;
        }, false));
  }

  @Override
  public Future<List<String>> storedBefore(Instant before, int limit) {
    return vertx.executeBlocking(() -> {
      List<String> out = new ArrayList<>();
      for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(PREFIX)).contents()) {
        String name = o.key().substring(PREFIX.length());
        if (SHA256.matcher(name).matches() && o.lastModified().isBefore(before)) {
          out.add(name);
          if (out.size() >= limit) {
            break;
          }
        }
      }
      return out;
    }, false);
  }

  @Override
  public String kind() {
    return "s3";
  }

  @Override
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      s3.close();
      return null;
    }, false);
  }

  private static String key(String sha256) {
    return PREFIX + BlobStore.checkName(sha256);
  }
}

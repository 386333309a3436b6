package io.mmaas.controlplane.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server for tests: S3Proxy on an ephemeral loopback port, signing checked (AWS v4), objects in a
 * temporary folder (jclouds' filesystem backend), one bucket created.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "mmaas-test-access";
  public static final String SECRET_KEY = "mmaas-test-secret-0123456789";

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final String bucket;
  private final Path dir;

  private S3Server(S3Proxy proxy, BlobStoreContext context, String bucket, Path dir) {
    this.dir = dir;
    this.proxy = proxy;
    this.context = context;
    this.bucket = bucket;
  }

  public static S3Server start(String bucket) throws Exception {
    Path dir = Files.createTempDirectory("mmaas-s3-");
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", dir.toString());
    BlobStoreContext context = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential")
        .overrides(props).build(BlobStoreContext.class);
    context.getBlobStore().createContainerInLocation(null, bucket);
    S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    return new S3Server(proxy, context, bucket, dir);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /** The file behind an object (the filesystem backend takes an object's last-modified time from it). */
  public Path objectFile(String key) {
    return dir.resolve(bucket).resolve(key);
  }

  public String bucket() {
    return bucket;
  }

  /** The control plane's variables for this server. */
  public Map<String, String> env() {
    return Map.of("MMAAS_BLOB_STORE", "s3", "MMAAS_BLOB_S3_ENDPOINT", endpoint(), "MMAAS_BLOB_S3_BUCKET", bucket,
        "MMAAS_BLOB_S3_REGION", "us-east-1", "MMAAS_BLOB_S3_ACCESS_KEY", ACCESS_KEY,
        "MMAAS_BLOB_S3_SECRET_KEY", SECRET_KEY, "MMAAS_BLOB_S3_PATH_STYLE", "true");
  }

  public io.mmaas.controlplane.blobs.S3BlobStore.Settings settings() {
    return new io.mmaas.controlplane.blobs.S3BlobStore.Settings(endpoint(), bucket, "us-east-1", ACCESS_KEY,
        SECRET_KEY, true);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}

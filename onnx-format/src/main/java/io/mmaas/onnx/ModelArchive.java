package io.mmaas.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A model with external data travels as one zip archive: exactly one {@code .onnx} file plus the files its tensors
 * reference. Extraction is safe by construction: every entry name must be a {@link SafeLocation} (so no absolute
 * paths, drive letters, backslashes, {@code ..} segments, control characters or {@code *} markers) and must resolve
 * inside the target folder (no zip-slip); only regular
 * files are written (a symlink entry is never recreated as a link); entry count, each entry's size and the total are
 * limited by bytes actually written, not by sizes the archive declares (no zip bomb). Afterwards every external-data
 * location of the model must name a regular file inside the folder. The control plane validates uploads this way and
 * agents extract downloaded archives the same way, loading the model from its own folder.
 */
public final class ModelArchive {
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

  private ModelArchive() {
  }

  /** Bounds on what an archive may expand to. */
  public record Limits(int maxEntries, long maxEntryBytes, long maxTotalBytes) {
  }

  /** The extracted model file and its signature. */
  public record Extracted(Path model, ModelSignature signature) {
  }

  /** Whether the file starts like a zip archive (an ONNX protobuf never does). */
  public static boolean isZip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return java.util.Arrays.equals(head, ZIP_MAGIC);
    }
  }

  /** Extracts {@code zip} into {@code dir} (created; must not exist or be empty) and validates the model inside. */
  public static Extracted extract(Path zip, Path dir, Limits limits) throws InvalidModelException, IOException {
    Files.createDirectories(dir);
    Path root = dir.toRealPath();
    List<Path> models = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long total = 0;
    int entries = 0;
    try (ZipFile archive = open(zip)) {
      Enumeration<? extends ZipEntry> all = archive.entries();
      while (all.hasMoreElements()) {
        ZipEntry e = all.nextElement();
        if (++entries > limits.maxEntries()) {
          throw new InvalidModelException("archive has more than " + limits.maxEntries() + " entries");
        }
        String name = checkedName(e.getName());
        if (!seen.add(name)) {
          throw new InvalidModelException("archive entry '" + name + "' appears twice");
        }
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root)) {
          throw new InvalidModelException("archive entry '" + name + "' points outside the model's folder");
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        total += copy(archive, e, target, limits, limits.maxTotalBytes() - total);
        if (name.endsWith(".onnx")) {
          models.add(target);
        }
      }
    } catch (ZipException e) {
      throw new InvalidModelException("not a valid zip archive: " + e.getMessage());
    }
    if (models.size() != 1) {
      throw new InvalidModelException("an archive must hold exactly one .onnx file, found " + models.size());
    }
    Path model = models.get(0);
    ModelSignature signature = OnnxInspector.inspect(model);
    Path base = model.getParent();
    for (String location : signature.externalDataLocations()) {
      Path data = base.resolve(location).normalize();
      if (!data.startsWith(root) || !Files.isRegularFile(data, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidModelException("external data '" + location + "' is not a file in the archive");
      }
    }
    return new Extracted(model, signature);
  }

  /**
   * Opens the archive. ZipFile reads the end record and the central directory here; when they are cut short or
   * corrupt it may raise EOFException and the like, which are no ZipException: the archive's fault, so a refusal.
   * Only a file that cannot be opened at all stays an I/O error.
   */
  private static ZipFile open(Path zip) throws InvalidModelException, IOException {
    try {
      return new ZipFile(zip.toFile());
    } catch (ZipException | java.io.FileNotFoundException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidModelException("not a valid zip archive: its end record or central directory cannot be read ("
          + e + ")");
    }
  }

  /** Entry names follow {@link SafeLocation}; a directory entry may end with one '/'. */
  private static String checkedName(String name) throws InvalidModelException {
    String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    if (!SafeLocation.isSafe(path)) {
      throw new InvalidModelException("archive entry name '" + SafeLocation.printable(name)
          + "' is not allowed: it is not a safe relative path (" + SafeLocation.ALLOWED + ")");
    }
    return name;
  }

  private static long copy(ZipFile archive, ZipEntry e, Path target, Limits limits, long budget)
      throws IOException, InvalidModelException {
    long max = Math.min(limits.maxEntryBytes(), budget);
    long written = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = archive.getInputStream(e);
         OutputStream out = Files.newOutputStream(target, java.nio.file.StandardOpenOption.CREATE_NEW,
             java.nio.file.StandardOpenOption.WRITE)) {
      int n;
      while ((n = read(in, buf, e)) > 0) {
        written += n;
        if (written > max) {
          throw new InvalidModelException("archive expands beyond its limits (entry '" + printable(e.getName()) + "')");
        }
        out.write(buf, 0, n);
      }
    }
    return written;
  }

  /**
   * Reads the next chunk of an entry. A failure here is the archive's fault (data cut short or corrupt: ZipFile
   * raises EOFException and the like, which are no ZipException), so it is a refusal, not an I/O error; failures
   * writing the extracted file stay I/O errors.
   */
  private static int read(InputStream in, byte[] buf, ZipEntry e) throws InvalidModelException {
    try {
      return in.read(buf);
    } catch (IOException failure) {
      throw new InvalidModelException("archive entry '" + printable(e.getName()) + "' is truncated or corrupt: "
          + failure);
    }
  }

  private static String printable(String s) {
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }
}

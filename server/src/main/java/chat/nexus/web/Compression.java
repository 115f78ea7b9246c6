package chat.nexus.web;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compresses each text file once, at the strongest settings: the cost is paid at start for a few
 * hundred kilobytes, never per request. Brotli comes from brotli4j's native library; where it
 * cannot load (a CPU or C library it does not ship for) the files are served with gzip only.
 */
final class Compression {

  private static final Logger LOG = LoggerFactory.getLogger(Compression.class);

  /** Brotli's densest setting; at start, for a few files, its slowness does not matter. */
  static final int BROTLI_QUALITY = 11;

  private static final Encoder.Parameters BROTLI =
      new Encoder.Parameters().setQuality(BROTLI_QUALITY).setMode(Encoder.Mode.TEXT);

  private static final boolean BROTLI_AVAILABLE = loadBrotli();

  private Compression() {}

  private static boolean loadBrotli() {
    try {
      Brotli4jLoader.ensureAvailability();
      return true;
    } catch (Throwable e) { // UnsatisfiedLinkError or the loader's own wrapper of it
      LOG.warn(
          "brotli is not available here ({}): the web client is served with gzip only",
          e.toString());
      return false;
    }
  }

  static boolean brotliAvailable() {
    return BROTLI_AVAILABLE;
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
    try (GZIPOutputStream gz =
        new GZIPOutputStream(out) {
          {
            def.setLevel(Deflater.BEST_COMPRESSION);
          }
        }) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not thrown by an in-memory stream
    }
    return out.toByteArray();
  }

  /** Brotli at {@link #BROTLI_QUALITY}, or empty when the native library is not available. */
  static Optional<byte[]> brotli(byte[] data) {
    if (!BROTLI_AVAILABLE) {
      return Optional.empty();
    }
    try {
      return Optional.of(Encoder.compress(data, BROTLI));
    } catch (IOException e) {
      LOG.warn("brotli failed on a web client file; serving it with gzip only", e);
      return Optional.empty();
    }
  }
}

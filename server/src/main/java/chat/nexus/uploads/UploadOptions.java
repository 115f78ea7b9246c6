package chat.nexus.uploads;

import chat.nexus.config.Settings;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Files and images sent to rooms.
 *
 * @param maxBytes UPLOAD_MAX_BYTES: the largest file (default {@link #DEFAULT_MAX_BYTES}); a larger
 *     body is refused with 413 as soon as it is seen to be larger
 * @param s3 where the bytes go when UPLOAD_STORE=s3 (S3_ENDPOINT, S3_BUCKET, S3_REGION,
 *     S3_ACCESS_KEY, S3_SECRET_KEY); empty: the database (UPLOAD_STORE=database, the default)
 * @param perUserMax UPLOAD_RATE_LIMIT_MAX uploads per user per UPLOAD_RATE_LIMIT_WINDOW_MS (when
 *     rate limits are on)
 * @param windowMs UPLOAD_RATE_LIMIT_WINDOW_MS
 */
public record UploadOptions(long maxBytes, Optional<S3> s3, int perUserMax, long windowMs) {

  /** 10 MB: photos from phones, documents; the largest a message carries. */
  public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;

  /** More would hold that much memory per upload in flight. */
  static final long MAX_MAX_BYTES = 100L * 1024 * 1024;

  /** A person sharing a burst of photos, not a script filling the store. */
  public static final int DEFAULT_PER_USER_MAX = 30;

  public static final long DEFAULT_WINDOW_MS = 60_000;

  /** An S3-compatible bucket. */
  public record S3(
      String endpoint, String bucket, String region, String accessKey, String secretKey) {

    @Override
    public String toString() {
      return "S3[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + "]";
    }
  }

  public static UploadOptions defaults() {
    return new UploadOptions(
        DEFAULT_MAX_BYTES, Optional.empty(), DEFAULT_PER_USER_MAX, DEFAULT_WINDOW_MS);
  }

  public static UploadOptions fromEnv(Map<String, String> env) {
    Settings s = new Settings(env);
    long maxBytes = s.wholeNumber("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES, 1, MAX_MAX_BYTES);
    int perUser = (int) s.wholeNumber("UPLOAD_RATE_LIMIT_MAX", DEFAULT_PER_USER_MAX, 1, 1_000_000);
    long window =
        s.wholeNumber("UPLOAD_RATE_LIMIT_WINDOW_MS", DEFAULT_WINDOW_MS, 1_000, 86_400_000);
    String store = s.string("UPLOAD_STORE", "database").trim().toLowerCase();
    Optional<S3> s3 = Optional.empty();
    if ("s3".equals(store)) {
      String endpoint = s.string("S3_ENDPOINT", "");
      String bucket = s.string("S3_BUCKET", "");
      String region = s.string("S3_REGION", "us-east-1");
      String accessKey = s.string("S3_ACCESS_KEY", "");
      String secretKey = s.string("S3_SECRET_KEY", "");
      for (String[] required :
          List.of(
              new String[] {"S3_ENDPOINT", endpoint},
              new String[] {"S3_BUCKET", bucket},
              new String[] {"S3_ACCESS_KEY", accessKey},
              new String[] {"S3_SECRET_KEY", secretKey})) {
        if (required[1].isBlank()) {
          s.problem(required[0] + " is required when UPLOAD_STORE=s3");
        }
      }
      s3 = Optional.of(new S3(endpoint, bucket, region, accessKey, secretKey));
    } else if (!"database".equals(store)) {
      s.problem("UPLOAD_STORE must be database or s3 (got " + store + ")");
    }
    s.check();
    return new UploadOptions(maxBytes, s3, perUser, window);
  }

  /** For the start-up log: never the keys. */
  public String description() {
    return "uploads up to "
        + maxBytes
        + " bytes in "
        + s3.map(b -> "s3 bucket " + b.bucket() + " at " + b.endpoint()).orElse("the database");
  }
}

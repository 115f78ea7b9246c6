package chat.nexus.uploads;

import java.util.Optional;

/**
 * Where upload bytes live so that every node serves them: the database (default) or an
 * S3-compatible bucket. Blocking: call from a worker.
 */
interface Blobs {

  void put(String key, byte[] data, String contentType) throws Exception;

  Optional<byte[]> get(String key) throws Exception;

  /** Deletes the bytes under {@code key}; nothing when there are none. */
  void delete(String key) throws Exception;

  /** "database" or "s3 <bucket> at <endpoint>", for the start-up log. */
  String description();
}

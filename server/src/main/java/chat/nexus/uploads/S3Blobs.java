package chat.nexus.uploads;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Upload bytes as objects of an S3-compatible bucket (AWS S3, MinIO, Ceph, R2...), through the AWS
 * SDK v2 over the JDK's URLConnection. Path-style addressing (bucket in the path), which every
 * S3-compatible store understands; plain signed bodies (no aws-chunked framing) and checksums only
 * where the protocol requires them, since several compatible stores reject the newer
 * trailing-checksum uploads. Files are at most UPLOAD_MAX_BYTES, in memory anyway.
 */
final class S3Blobs implements Blobs, AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final S3Client client;
  private final String bucket;
  private final String endpoint;

  S3Blobs(UploadOptions.S3 options) {
    this.bucket = options.bucket();
    this.endpoint = options.endpoint();
    this.client =
        S3Client.builder()
            .endpointOverride(URI.create(options.endpoint()))
            .region(Region.of(options.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(options.accessKey(), options.secretKey())))
            .serviceConfiguration(
                S3Configuration.builder()
                    .pathStyleAccessEnabled(true)
                    .chunkedEncodingEnabled(false)
                    .build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(
                UrlConnectionHttpClient.builder().connectionTimeout(TIMEOUT).socketTimeout(TIMEOUT))
            .build();
  }

  @Override
  public void put(String key, byte[] data, String contentType) {
    client.putObject(
        PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).build(),
        RequestBody.fromBytes(data));
  }

  @Override
  public Optional<byte[]> get(String key) {
    try {
      ResponseBytes<GetObjectResponse> bytes =
          client.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build());
      return Optional.of(bytes.asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  @Override
  public void delete(String key) {
    client.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
  }

  @Override
  public String description() {
    return "s3 bucket " + bucket + " at " + endpoint;
  }

  @Override
  public void close() {
    client.close();
  }
}

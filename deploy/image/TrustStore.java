import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes the JRE's trust store (cacerts) from Debian's CA certificates, as ca-certificates-java's
 * maintainer script would on an installed system (packages unpacked into an image run no scripts).
 *
 * <p>Usage: {@code java TrustStore.java <folder of .crt files> <cacerts to write>}
 *
 * <p>A PKCS12 store without password, MAC or encryption, its entries in name order: the same
 * certificates give the same bytes, so the image's base layer is reproducible. The JRE reads it
 * without a password (javax.net.ssl.trustStorePassword unset), as it does its own cacerts.
 */
public final class TrustStore {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: java TrustStore.java <folder of .crt files> <cacerts to write>");
      System.exit(2);
    }
    System.setProperty("keystore.pkcs12.certProtectionAlgorithm", "NONE");
    System.setProperty("keystore.pkcs12.macAlgorithm", "NONE");
    List<Path> certificates;
    try (Stream<Path> files = Files.walk(Path.of(args[0]))) {
      certificates = files.filter(f -> f.toString().endsWith(".crt")).sorted().toList();
    }
    if (certificates.isEmpty()) {
      throw new IllegalStateException("no .crt file under " + args[0]);
    }
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (Path file : certificates) {
      try (InputStream in = Files.newInputStream(file)) {
        X509Certificate certificate = (X509Certificate) x509.generateCertificate(in);
        // Debian's alias convention ("debian:<file name>"), so keytool -list reads the same
        String name = file.getFileName().toString().replaceFirst("\\.crt$", ".pem");
        store.setCertificateEntry("debian:" + name.toLowerCase(), certificate);
      }
    }
    try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
      store.store(out, new char[0]);
    }
    System.out.println(certificates.size() + " certificates in " + args[1]);
  }
}

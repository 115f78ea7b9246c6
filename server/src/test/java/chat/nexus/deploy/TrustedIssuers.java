package chat.nexus.deploy;

import java.security.KeyStore;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Run inside the container image by ContainerImageIT, with the image's JRE: prints how many
 * certificate authorities its default trust store holds (none would fail every TLS connection: the
 * LLM provider, a JWKS, a rediss:// or TLS PostgreSQL URL).
 */
public final class TrustedIssuers {

  private TrustedIssuers() {}

  public static void main(String[] args) throws Exception {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    X509TrustManager trust = (X509TrustManager) factory.getTrustManagers()[0];
    System.out.println(trust.getAcceptedIssuers().length);
  }
}

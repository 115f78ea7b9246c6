package chat.nexus.deploy;

import static chat.nexus.deploy.DeploymentInvariants.CONNECTIONS_METRIC;
import static chat.nexus.deploy.DeploymentInvariants.hpaMetric;
import static chat.nexus.deploy.DeploymentInvariants.one;
import static chat.nexus.deploy.DeploymentInvariants.secretsRead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chat.nexus.admin.AdminOptions;
import chat.nexus.config.Config;
import chat.nexus.observability.MetricsOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.core.JacksonException;

/**
 * deploy/k8s: every manifest is read into the Kubernetes API's typed models with no unknown field,
 * and the base and the rendered production overlay keep what the server needs (ports, probes, a
 * grace period longer than the drain, resources, a non-root user) and what ties the objects
 * together (selectors, the autoscaler's target and metric, the scraper's port and token).
 */
class KubernetesManifestsTest {

  private static final Path K8S = Path.of("..", "deploy", "k8s");
  private static final Path BASE = K8S.resolve("base");
  private static final Path PRODUCTION = K8S.resolve("overlays").resolve("production");

  private static final String PLACEHOLDER = "CHANGE-ME";

  private static final Path SERVER_SOURCES = Path.of("src", "main", "java");

  /** Environment the JVM or the C library reads, not the server. */
  private static final Set<String> NOT_SERVER_SETTINGS = Set.of("MALLOC_ARENA_MAX");

  @Test
  void everyBaseFileIsAStrictlyValidManifestListedInTheKustomization() throws IOException {
    List<String> listed = kustomizationResources(BASE);
    try (Stream<Path> files = Files.list(BASE)) {
      assertThat(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml")))
          .as("every manifest in base/ is in its kustomization")
          .containsExactlyInAnyOrderElementsOf(listed);
    }
    DeploymentInvariants.check(base());
  }

  @Test
  void productionOverlayRendersToStrictlyValidManifests() throws Exception {
    Optional<String> rendered = KubernetesManifests.render(PRODUCTION);
    // CI has kubectl (its kustomize renders what `kubectl apply -k` applies); elsewhere the
    // overlay is checked where kubectl is installed
    assumeTrue(
        rendered.isPresent() || "true".equals(System.getenv("CI")),
        "kubectl is not on the PATH: the production overlay is not rendered");
    assertThat(rendered).as("kubectl on the PATH in CI").isPresent();
    List<HasMetadata> production = KubernetesManifests.parse(rendered.get(), "production");
    List<HasMetadata> base =
        KubernetesManifests.parse(KubernetesManifests.render(BASE).orElseThrow(), "base rendered");
    DeploymentInvariants.check(base);

    assertThat(kinds(production)).isEqualTo(kinds(base));
    assertThat(production)
        .allSatisfy(
            r ->
                assertThat(r.getMetadata().getNamespace()).as(r.getKind()).isEqualTo("nexus-chat"));
    DeploymentInvariants.check(production);
    HorizontalPodAutoscaler hpa = one(production, HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(3);
    assertThat(one(production, Ingress.class).getSpec().getRules().get(0).getHost())
        .isNotEqualTo("chat.example.com");
  }

  @Test
  void everySettingIsOneTheServerReads() throws IOException {
    String sources;
    try (Stream<Path> files = Files.walk(SERVER_SOURCES)) {
      sources =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .map(KubernetesManifestsTest::readUnchecked)
              .collect(Collectors.joining("\n"));
    }
    List<String> keys = new ArrayList<>(one(base(), ConfigMap.class).getData().keySet());
    keys.addAll(
        one(KubernetesManifests.read(K8S.resolve("secret.example.yaml")), Secret.class)
            .getStringData()
            .keySet());

    assertThat(keys)
        .filteredOn(key -> !NOT_SERVER_SETTINGS.contains(key))
        .allSatisfy(
            key -> assertThat(sources).as("a setting named " + key).contains("\"" + key + "\""));
  }

  @Test
  void theSecretExampleHoldsOnlyPlaceholdersTheServerRefuses() throws IOException {
    Secret secret = one(KubernetesManifests.read(K8S.resolve("secret.example.yaml")), Secret.class);
    Map<String, String> values = secret.getStringData();
    assertThat(secret.getData()).as("no base64 data: every value is visible").isNullOrEmpty();
    assertThat(values)
        .containsKeys(
            "JWT_SECRET", "DATABASE_URL", "ADMIN_PASSWORD", "METRICS_TOKEN", "LLM_API_KEYS");
    assertThat(values).allSatisfy((key, value) -> assertThat(value).as(key).contains(PLACEHOLDER));
    // a placeholder left in place stops the server at start instead of running with it
    assertThat(values.get("JWT_SECRET")).hasSizeLessThan(Config.MIN_SECRET_LENGTH);
    assertThat(values.get("SESSION_SECRET")).hasSizeLessThan(Config.MIN_SECRET_LENGTH);
    assertThat(values.get("METRICS_TOKEN")).hasSizeLessThan(MetricsOptions.MIN_TOKEN_CHARS);
    assertThat(values.get("ADMIN_PASSWORD")).hasSizeLessThan(AdminOptions.MIN_PASSWORD_CHARS);

    Deployment deployment = one(base(), Deployment.class);
    assertThat(secretsRead(deployment)).containsExactly(secret.getMetadata().getName());
    Endpoint scrape = one(base(), ServiceMonitor.class).getSpec().getEndpoints().get(0);
    assertThat(scrape.getAuthorization().getCredentials().getName())
        .isEqualTo(secret.getMetadata().getName());
    assertThat(values).containsKey(scrape.getAuthorization().getCredentials().getKey());
  }

  @Test
  void prometheusAdapterServesTheMetricTheAutoscalerAverages() throws IOException {
    ConfigMap adapter =
        one(
            KubernetesManifests.read(K8S.resolve("prometheus-adapter").resolve("rules.yaml")),
            ConfigMap.class);
    PrometheusAdapterConfig config =
        KubernetesManifests.parsePlain(
            adapter.getData().get("config.yaml"), PrometheusAdapterConfig.class);

    assertThat(config.rules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.seriesQuery()).startsWith(CONNECTIONS_METRIC + "{");
              assertThat(rule.name().as()).isEqualTo(CONNECTIONS_METRIC);
              assertThat(rule.resources().overrides()).containsKeys("namespace", "pod");
              assertThat(rule.resources().overrides().get("pod").resource()).isEqualTo("pod");
              assertThat(rule.metricsQuery())
                  .contains("<<.Series>>", "<<.LabelMatchers>>", "<<.GroupBy>>");
            });
    MetricSpec pods = hpaMetric(one(base(), HorizontalPodAutoscaler.class), "Pods");
    assertThat(pods.getPods().getMetric().getName()).isEqualTo(CONNECTIONS_METRIC);
  }

  @ParameterizedTest
  @CsvSource({
    "deployment.yaml, readinessProbe:, readinesProbe:",
    "deployment.yaml, runAsNonRoot:, runAsNonroot:",
    "service.yaml, targetPort: metrics, tagetPort: metrics",
    "hpa.yaml, averageUtilization:, averageUtilisation:",
    "servicemonitor.yaml, authorization:, authorisation:",
    "ingress.yaml, ingressClassName:, ingressClass:",
  })
  void aMisspeltFieldFails(String file, String field, String misspelt) throws IOException {
    String yaml = Files.readString(BASE.resolve(file), StandardCharsets.UTF_8);
    assertThat(yaml).contains(field);
    String broken = yaml.replace(field, misspelt);

    assertThatThrownBy(() -> KubernetesManifests.parse(broken, file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown fields")
        .hasMessageContaining(misspelt.substring(0, misspelt.indexOf(':')));
  }

  @Test
  void aNumberWhereTheApiWantsAStringFails() throws IOException {
    String yaml = Files.readString(BASE.resolve("deployment.yaml"), StandardCharsets.UTF_8);
    String unquoted = yaml.replace("value: \"15000\"", "value: 15000");
    assertThat(unquoted).isNotEqualTo(yaml);

    assertThatThrownBy(() -> KubernetesManifests.parse(unquoted, "deployment.yaml"))
        .isInstanceOf(JacksonException.class)
        .hasMessageContaining("Integer value (15000)");
  }

  @Test
  void anUnknownKindFails() {
    String yaml = "apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: x\n";

    assertThatThrownBy(() -> KubernetesManifests.parse(yaml, "typo.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown kind");
  }

  private static String readUnchecked(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<HasMetadata> base() throws IOException {
    List<HasMetadata> all = new ArrayList<>();
    for (String file : kustomizationResources(BASE)) {
      all.addAll(KubernetesManifests.read(BASE.resolve(file)));
    }
    return all;
  }

  private static List<String> kustomizationResources(Path dir) throws IOException {
    Kustomization k =
        KubernetesManifests.parsePlain(
            Files.readString(dir.resolve("kustomization.yaml"), StandardCharsets.UTF_8),
            Kustomization.class);
    return k.resources();
  }

  /** The fields of base/kustomization.yaml. */
  private record Kustomization(String apiVersion, String kind, List<String> resources) {}

  private static List<String> kinds(List<HasMetadata> all) {
    return all.stream().map(HasMetadata::getKind).sorted().toList();
  }
}

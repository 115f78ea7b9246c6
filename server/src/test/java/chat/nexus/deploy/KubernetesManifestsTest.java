package chat.nexus.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chat.nexus.admin.AdminOptions;
import chat.nexus.config.Config;
import chat.nexus.observability.BuildInfo;
import chat.nexus.observability.MetricsOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapEnvSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretEnvSource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

  /** The preStop command the image ships (the shared contract). */
  private static final List<String> DRAIN_COMMAND =
      List.of("java", "-cp", "/opt/nexus-chat/nexus-chat.jar", "chat.nexus.ops.Drain");

  /** A drain's steps after the grace and before the close, and after the close (the contract). */
  private static final long DRAIN_STORE_MS = 10_000;

  private static final long DRAIN_STOP_MS = 5_000;

  /** DB_START_TIMEOUT_MS's default plus a JVM start and the migrations. */
  private static final long MIN_STARTUP_SECONDS = 120;

  private static final int CHAT_PORT = 8000;
  private static final int METRICS_PORT = 9464;
  private static final long IMAGE_UID = 10001;
  private static final String CONNECTIONS_METRIC = "nexus_connections";
  private static final String PLACEHOLDER = "CHANGE-ME";

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
    checkInvariants(base());
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

    assertThat(kinds(production)).isEqualTo(kinds(base()));
    assertThat(production)
        .allSatisfy(
            r ->
                assertThat(r.getMetadata().getNamespace()).as(r.getKind()).isEqualTo("nexus-chat"));
    checkInvariants(production);
    HorizontalPodAutoscaler hpa = one(production, HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(3);
    assertThat(one(production, Ingress.class).getSpec().getRules().get(0).getHost())
        .isNotEqualTo("chat.example.com");
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

  private static void checkInvariants(List<HasMetadata> all) {
    Deployment deployment = one(all, Deployment.class);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container app = pod.getContainers().get(0);
    Map<String, String> env =
        app.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));

    assertThat(deployment.getSpec().getReplicas()).as("replicas: the autoscaler owns it").isNull();
    assertThat(selects(deployment.getSpec().getSelector(), podLabels)).isTrue();
    assertThat(app.getImage()).endsWith(":" + BuildInfo.version());

    // ports: the container's named ports are the ones the server listens on
    assertThat(containerPort(app, "http"))
        .isEqualTo(CHAT_PORT)
        .isEqualTo(Integer.parseInt(env.get("PORT")));
    assertThat(containerPort(app, "metrics"))
        .isEqualTo(METRICS_PORT)
        .isEqualTo(Integer.parseInt(env.get("METRICS_PORT")));

    // probes
    assertGet(app.getReadinessProbe(), "/ready");
    assertGet(app.getLivenessProbe(), "/health");
    assertGet(app.getStartupProbe(), "/health");
    Probe startup = app.getStartupProbe();
    assertThat((long) startup.getPeriodSeconds() * startup.getFailureThreshold())
        .as("startup probe budget, seconds")
        .isGreaterThanOrEqualTo(MIN_STARTUP_SECONDS);

    // drain: out of the Service during the grace period, and done before the kubelet kills
    long graceMs = Long.parseLong(env.get("DRAIN_GRACE_MS"));
    long closeMs = Long.parseLong(env.get("DRAIN_CLOSE_MS"));
    Probe ready = app.getReadinessProbe();
    assertThat(1000L * ready.getPeriodSeconds() * ready.getFailureThreshold()).isLessThan(graceMs);
    assertThat(1000L * pod.getTerminationGracePeriodSeconds())
        .isGreaterThan(graceMs + closeMs + DRAIN_STORE_MS + DRAIN_STOP_MS);
    assertThat(app.getLifecycle().getPreStop().getExec().getCommand()).isEqualTo(DRAIN_COMMAND);

    // resources and privileges
    List<Container> containers = new ArrayList<>(pod.getContainers());
    if (pod.getInitContainers() != null) {
      containers.addAll(pod.getInitContainers());
    }
    assertThat(containers)
        .allSatisfy(
            c -> {
              assertThat(c.getResources().getRequests())
                  .as(c.getName())
                  .containsKeys("cpu", "memory");
              assertThat(c.getResources().getLimits())
                  .as(c.getName())
                  .containsKeys("cpu", "memory");
              assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
              assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            });
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(IMAGE_UID);

    // the ConfigMap the pods read is here, and sets neither the ports nor the drain
    ConfigMap config = one(all, ConfigMap.class);
    assertThat(configMapsRead(deployment)).containsExactly(config.getMetadata().getName());
    assertThat(config.getData()).doesNotContainKeys(env.keySet().toArray(String[]::new));
    assertThat(config.getData())
        .containsEntry("APP_ENV", "production")
        .containsKeys("TRUST_PROXY", "CORS_ORIGINS");

    // the Service reaches both ports, and the scraper the metrics one
    Service service = one(all, Service.class);
    assertThat(selects(service.getSpec().getSelector(), podLabels)).isTrue();
    assertThat(servicePort(service, "http").getTargetPort().getStrVal()).isEqualTo("http");
    assertThat(servicePort(service, "metrics").getTargetPort().getStrVal()).isEqualTo("metrics");
    ServiceMonitor monitor = one(all, ServiceMonitor.class);
    assertThat(selects(monitor.getSpec().getSelector(), service.getMetadata().getLabels()))
        .isTrue();
    assertThat(monitor.getSpec().getEndpoints())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getPort()).isEqualTo("metrics");
              assertThat(e.getPath()).isEqualTo("/metrics");
              assertThat(e.getAuthorization().getCredentials().getKey()).isEqualTo("METRICS_TOKEN");
            });

    // the autoscaler scales this Deployment on CPU and connections per pod
    HorizontalPodAutoscaler hpa = one(all, HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
    assertThat(hpa.getSpec().getScaleTargetRef().getName())
        .isEqualTo(deployment.getMetadata().getName());
    assertThat(hpa.getSpec().getMinReplicas())
        .isGreaterThanOrEqualTo(2)
        .isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
    assertThat(hpaMetric(hpa, "Resource").getResource().getName()).isEqualTo("cpu");
    MetricSpec connections = hpaMetric(hpa, "Pods");
    assertThat(connections.getPods().getMetric().getName()).isEqualTo(CONNECTIONS_METRIC);
    assertThat(connections.getPods().getTarget().getType()).isEqualTo("AverageValue");

    // evictions take one pod at a time
    PodDisruptionBudget pdb = one(all, PodDisruptionBudget.class);
    assertThat(selects(pdb.getSpec().getSelector(), podLabels)).isTrue();
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

    // polling clients stay on their pod; the backend is this Service's http port
    Ingress ingress = one(all, Ingress.class);
    assertThat(ingress.getMetadata().getAnnotations())
        .containsEntry("nginx.ingress.kubernetes.io/affinity", "cookie")
        .containsEntry("nginx.ingress.kubernetes.io/affinity-mode", "persistent");
    assertThat(ingress.getSpec().getTls()).isNotEmpty();
    IngressServiceBackend backend =
        ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService();
    assertThat(backend.getName()).isEqualTo(service.getMetadata().getName());
    assertThat(servicePort(service, backend.getPort().getName())).isNotNull();
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

  private static <T extends HasMetadata> T one(List<HasMetadata> all, Class<T> type) {
    List<T> found = all.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static List<String> kinds(List<HasMetadata> all) {
    return all.stream().map(HasMetadata::getKind).sorted().toList();
  }

  private static List<String> secretsRead(Deployment deployment) {
    return envFrom(deployment)
        .map(EnvFromSource::getSecretRef)
        .filter(Objects::nonNull)
        .map(SecretEnvSource::getName)
        .toList();
  }

  private static List<String> configMapsRead(Deployment deployment) {
    return envFrom(deployment)
        .map(EnvFromSource::getConfigMapRef)
        .filter(Objects::nonNull)
        .map(ConfigMapEnvSource::getName)
        .toList();
  }

  private static Stream<EnvFromSource> envFrom(Deployment deployment) {
    return deployment
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnvFrom()
        .stream();
  }

  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    assertThat(selector.getMatchExpressions()).isNullOrEmpty();
    return selects(selector.getMatchLabels(), labels);
  }

  private static boolean selects(Map<String, String> matchLabels, Map<String, String> labels) {
    return !matchLabels.isEmpty() && labels.entrySet().containsAll(matchLabels.entrySet());
  }

  private static int containerPort(Container container, String name) {
    return container.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow();
  }

  private static ServicePort servicePort(Service service, String name) {
    return service.getSpec().getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Service port " + name));
  }

  private static void assertGet(Probe probe, String path) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
  }

  private static MetricSpec hpaMetric(HorizontalPodAutoscaler hpa, String type) {
    return hpa.getSpec().getMetrics().stream()
        .filter(m -> type.equals(m.getType()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " metric"));
  }
}

package chat.nexus.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.observability.BuildInfo;
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
import io.fabric8.kubernetes.api.model.SecretEnvSource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the manifests of deploy/k8s must keep, rendered or not: the ports and probes the server
 * answers on, a grace period longer than its drain, resources and a non-root user, and the names
 * and selectors that tie the Service, the autoscaler, the disruption budget, the scraper and the
 * Ingress to the Deployment.
 */
final class DeploymentInvariants {

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
  static final String CONNECTIONS_METRIC = "nexus_connections";

  private DeploymentInvariants() {}

  /**
   * Fails unless the Deployment and the objects around it keep what the server and each other need.
   */
  static void check(List<HasMetadata> all) {
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

    onlyTheProxiesReachTheChatPort(all, podLabels);

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

  /**
   * TRUST_PROXY believes X-Forwarded-For from the whole pod network, and exempts those addresses
   * from the connection limit: only the ingress controller's pods may reach the chat port, or any
   * pod of the cluster could name its own client address for every per-address limit.
   */
  private static void onlyTheProxiesReachTheChatPort(
      List<HasMetadata> all, Map<String, String> podLabels) {
    if (!one(all, ConfigMap.class).getData().containsKey("TRUST_PROXY")) {
      return;
    }
    NetworkPolicy policy = one(all, NetworkPolicy.class);
    assertThat(selects(policy.getSpec().getPodSelector(), podLabels)).isTrue();
    assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
    List<NetworkPolicyIngressRule> chat =
        policy.getSpec().getIngress().stream()
            .filter(
                rule ->
                    rule.getPorts() == null
                        || rule.getPorts().stream().anyMatch(DeploymentInvariants::isChatPort))
            .toList();
    assertThat(chat)
        .as("rules that admit the chat port")
        .isNotEmpty()
        .allSatisfy(
            rule ->
                assertThat(rule.getFrom())
                    .as("who may reach the chat port")
                    .isNotEmpty()
                    .allSatisfy(
                        peer -> {
                          assertThat(peer.getIpBlock()).isNull();
                          assertThat(peer.getPodSelector().getMatchLabels()).isNotEmpty();
                        }));
  }

  private static boolean isChatPort(NetworkPolicyPort port) {
    return port.getPort() == null
        || "http".equals(port.getPort().getStrVal())
        || Integer.valueOf(CHAT_PORT).equals(port.getPort().getIntVal());
  }

  static <T extends HasMetadata> T one(List<HasMetadata> all, Class<T> type) {
    List<T> found = all.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  static List<String> secretsRead(Deployment deployment) {
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

  static MetricSpec hpaMetric(HorizontalPodAutoscaler hpa, String type) {
    return hpa.getSpec().getMetrics().stream()
        .filter(m -> type.equals(m.getType()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " metric"));
  }
}

package chat.nexus.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.introspect.AnnotatedMember;
import tools.jackson.databind.introspect.BeanPropertyDefinition;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads Kubernetes manifests into fabric8's typed models of the Kubernetes API (and of the
 * Prometheus operator), strictly: fabric8 keeps a field it does not know in the object's {@code
 * additionalProperties} instead of failing, so after parsing every object of the tree is walked and
 * any such field is an error, as are an unknown kind, a number where the API wants a string (the
 * API server refuses {@code value: 8000} in an env var) and a key given twice.
 */
final class KubernetesManifests {

  private static final ObjectMapper YAML = strictMapper();

  /** `kubectl kustomize` of an overlay takes well under a second; this only stops a hang. */
  private static final long RENDER_TIMEOUT_SECONDS = 60;

  private KubernetesManifests() {}

  /** Every document of a YAML file, each a known Kubernetes kind with only known fields. */
  static List<HasMetadata> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /** Every document of a YAML stream, each a known Kubernetes kind with only known fields. */
  static List<HasMetadata> parse(String yaml, String source) throws IOException {
    List<HasMetadata> resources = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document == null || document.isNull() || document.isEmpty()) {
          continue;
        }
        KubernetesResource resource = YAML.treeToValue(document, KubernetesResource.class);
        String name =
            source
                + " "
                + document.path("kind").asText()
                + "/"
                + document.path("metadata").path("name").asText();
        if (resource instanceof GenericKubernetesResource || !(resource instanceof HasMetadata)) {
          throw new IllegalArgumentException(
              name
                  + ": unknown kind "
                  + document.path("apiVersion").asText()
                  + " "
                  + document.path("kind").asText());
        }
        List<String> unknown = new ArrayList<>();
        collectUnknownFields(resource, "", unknown);
        if (!unknown.isEmpty()) {
          throw new IllegalArgumentException(name + ": unknown fields " + unknown);
        }
        resources.add((HasMetadata) resource);
      }
    }
    return resources;
  }

  /** A YAML document read into a plain type, failing on any field the type does not have. */
  static <T> T parsePlain(String yaml, Class<T> type) {
    return YAML.readValue(yaml, type);
  }

  /**
   * The overlay rendered by kustomize, as `kubectl apply -k` would render it: the kustomize built
   * into kubectl (v5 in kubectl 1.27 and later). Empty when no kubectl is on the PATH.
   */
  static Optional<String> render(Path kustomization) throws IOException, InterruptedException {
    Optional<Path> kubectl = kubectl();
    if (kubectl.isEmpty()) {
      return Optional.empty();
    }
    Path errors = Files.createTempFile("kustomize", ".err");
    try {
      Process process =
          new ProcessBuilder(kubectl.get().toString(), "kustomize", kustomization.toString())
              .redirectError(errors.toFile())
              .start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(RENDER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl kustomize " + kustomization + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "kubectl kustomize "
                + kustomization
                + " failed (kustomize v5's `patches:` needs kubectl 1.27 or later): "
                + Files.readString(errors, StandardCharsets.UTF_8));
      }
      return Optional.of(new String(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  static Optional<Path> kubectl() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Walks the object through the properties Jackson maps it with, and adds the path of every field
   * that landed in an any-setter map (fabric8's additionalProperties).
   */
  static void collectUnknownFields(Object value, String path, List<String> unknown) {
    if (value == null
        || value instanceof CharSequence
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof Enum<?>) {
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> collectUnknownFields(v, path + "." + k, unknown));
      return;
    }
    if (value instanceof Collection<?> list) {
      int i = 0;
      for (Object element : list) {
        collectUnknownFields(element, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    SerializationContext context = YAML._serializationContext();
    BeanDescription bean =
        context.introspectBeanDescription(context.constructType(value.getClass()));
    AnnotatedMember anyGetter = bean.findAnyGetter();
    if (anyGetter != null && anyGetter.getValue(value) instanceof Map<?, ?> extra) {
      extra.keySet().forEach(k -> unknown.add(path + "." + k));
    }
    for (BeanPropertyDefinition property : bean.findProperties()) {
      AnnotatedMember accessor = property.getAccessor();
      if (accessor != null) {
        collectUnknownFields(accessor.getValue(value), path + "." + property.getName(), unknown);
      }
    }
  }

  private static ObjectMapper strictMapper() {
    return YAMLMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        // Kubernetes' JSON decoding turns no number or boolean into a string
        .withCoercionConfig(
            LogicalType.Textual,
            config ->
                config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .addModule(
            new SimpleModule("kubernetes-kinds")
                .addDeserializer(KubernetesResource.class, new KubernetesDeserializer()))
        .build();
  }
}

package chat.nexus.deploy;

import java.util.List;
import java.util.Map;

/**
 * The part of prometheus-adapter's configuration file (its {@code config.yaml}) that
 * deploy/k8s/prometheus-adapter/rules.yaml uses: custom-metric discovery rules. Field names as the
 * adapter's own config package spells them; read strictly, so a misspelt field fails.
 */
record PrometheusAdapterConfig(List<Rule> rules) {

  /** One rule: which series, which Kubernetes objects their labels name, the metric's name. */
  record Rule(
      String seriesQuery,
      List<SeriesFilter> seriesFilters,
      Resources resources,
      Name name,
      String metricsQuery) {}

  record SeriesFilter(String is, String isNot) {}

  /** Label -> Kubernetes resource, by template ({@code kube_<<.Resource>>}) or one by one. */
  record Resources(String template, Map<String, GroupResource> overrides) {}

  record GroupResource(String group, String resource) {}

  /** The series name matched, and the metric name it is served as. */
  record Name(String matches, String as) {}
}

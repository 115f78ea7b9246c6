package chat.nexus.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The counters of an adapter benchmark at one moment: Redis's INFO, the CPU time of the subscriber
 * nodes' and the publisher's event loops and of the whole process, and what the nodes received.
 */
record Snapshot(
    long nanos,
    Map<String, Double> redis,
    long subscriberCpuNanos,
    long publisherCpuNanos,
    long processCpuNanos,
    long received,
    long frames) {

  static Snapshot take(
      RedisStats redis,
      List<BenchNode> nodes,
      Set<Long> subscriberThreads,
      Set<Long> publisherThreads)
      throws Exception {
    Map<String, Double> info = redis.snapshot();
    return new Snapshot(
        System.nanoTime(),
        info,
        cpu(subscriberThreads),
        cpu(publisherThreads),
        processCpu(),
        nodes.stream().mapToLong(BenchNode::received).sum(),
        nodes.stream().mapToLong(BenchNode::frames).sum());
  }

  private static long cpu(Set<Long> threads) {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long id : threads) {
      long nanos = bean.getThreadCpuTime(id);
      if (nanos > 0) {
        sum += nanos;
      }
    }
    return sum;
  }

  private static long processCpu() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  /** Redis's user + system CPU seconds. */
  double redisCpuSeconds() {
    return redis.getOrDefault("used_cpu_sys", 0.0) + redis.getOrDefault("used_cpu_user", 0.0);
  }

  double redisBytesOut() {
    return redis.getOrDefault("total_net_output_bytes", 0.0);
  }
}

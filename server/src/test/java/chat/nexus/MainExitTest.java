package chat.nexus;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.ops.DrainOptions;
import chat.nexus.ops.NodeDrain;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The process ends after a drain begun by POST /api/admin/drain, also when the drain failed: a node
 * left running would refuse every client and answer 503 on /ready until someone noticed.
 */
class MainExitTest {

  private static int exitStatusAfterDrain(NodeDrain.Step storeQueued) throws Exception {
    NodeDrain drain =
        new NodeDrain(
            new DrainOptions(0, 0),
            new NodeDrain.Node(() -> {}, storeQueued, List::of, () -> {}),
            new SimpleMeterRegistry());
    CompletableFuture<Integer> status = new CompletableFuture<>();
    Main.exitWhenStopped(drain, status::complete);
    drain.start("test");
    return status.get(10, TimeUnit.SECONDS);
  }

  @Test
  void exitsWithZeroAfterADrain() throws Exception {
    assertThat(exitStatusAfterDrain(() -> {})).isZero();
  }

  @Test
  void exitsWithOneWhenTheDrainFailed() throws Exception {
    assertThat(
            exitStatusAfterDrain(
                () -> {
                  throw new IllegalStateException("storing the queue failed");
                }))
        .isEqualTo(1);
  }
}

package chat.nexus.loadtest;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Room fan-out benchmark: clients join room r(k), senders emit {@code send} events that the server
 * re-emits as {@code msg} to the whole room (sender included); measures delivery latency and loss.
 */
@Command(
    name = "fanout",
    mixinStandardHelpOptions = true,
    description =
        "Room fan-out: paced 'send' events, measure 'msg' delivery latency, loss and server cost.")
final class Fanout implements Callable<Integer> {
  @Mixin Common common;
  @Mixin Sized sized;
  @Mixin Traffic traffic;

  @Override
  public Integer call() throws Exception {
    return traffic.run(common, sized, "fanout", new BareProtocol(traffic.rooms, traffic.payload));
  }
}
